/**
 * The actions of lost kits that the audit log records (docs/kits.md §A lost or stolen kit;
 * docs/domain-model.md §The audit log), registered with the log's action codes
 * (node/src/domain/audit/audit-actions.ts). Who did it is the person signed in to the API, or
 * `system` for the command line on the centre's machine (details say so).
 */

declare module '../audit/audit-actions.js' {
  interface AuditActions {
    /** A kit was revoked; subject: the kit; details: the control message, the revocations it repeats. */
    'kit.revoked': true;
    /** A revoked kit's area, roster and open items went to another kit; subject: the lost kit. */
    'kit.replaced': true;
  }
}

export {};

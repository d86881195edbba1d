/**
 * The roster's actions in the audit log (docs/domain-model.md §The audit log), registered with the
 * log's action codes (node/src/domain/audit/audit-actions.ts). Their details never hold a PIN or a
 * PIN hash.
 */

declare module '../audit/audit-actions.js' {
  interface AuditActions {
    /** An admin added a person; details: roles and areas. */
    'roster.person-added': true;
    /** An admin changed a person; details: which fields. */
    'roster.person-changed': true;
    /** An admin removed a person. */
    'roster.person-removed': true;
    /** A PIN was set or reset; details: whether it was made at random. */
    'roster.pin-set': true;
    /** A PIN hash made with older parameters was made again with the current ones, at a sign-in. */
    'roster.pin-rehashed': true;
  }
}

export {};

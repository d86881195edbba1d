/**
 * The actions the hazard routes record in the audit log (docs/api.md §Audit; docs/hazards.md §Who
 * may do what), registered with the log's action codes (node/src/domain/audit/audit-actions.ts).
 */

declare module '../domain/audit/audit-actions.js' {
  interface AuditActions {
    /** A person reported a hazard; subject: its message id; details: type, severity, area, photos. */
    'hazard.reported': true;
    /** A person verified a hazard; subject: the hazard; details: the change's message, corrections. */
    'hazard.verified': true;
    /** A person marked a hazard handled; subject: the hazard; details: the change's message. */
    'hazard.handled': true;
    /** A person closed a hazard (销号); subject: the hazard; details: the change's message. */
    'hazard.closed': true;
    /** A person exported the hazard ledger; details: the format and the areas it covered. */
    'hazard.exported': true;
  }
}

export {};

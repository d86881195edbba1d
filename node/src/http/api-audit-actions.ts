/**
 * The actions the API records in the audit log (docs/api.md §Audit; docs/domain-model.md §The
 * audit log), registered with the log's action codes (node/src/domain/audit/audit-actions.ts).
 * Their details never hold a PIN, a session id or a token.
 */

declare module '../domain/audit/audit-actions.js' {
  interface AuditActions {
    /** A person signed in to the web API; details: the client's address. */
    'session.signed-in': true;
    /** A person signed out. */
    'session.signed-out': true;
    /** A person filed a disaster report; subject: its message id; details: incident, stage, version. */
    'report.filed': true;
    /** A person exported the reports; details: the format and how many areas it covered. */
    'report.exported': true;
    /** A person issued a warning; subject: its message id; details: thread, event, colour, areas… */
    'warning.issued': true;
    /** A person updated a warning; subject: the update's id; details as issued, and its reference. */
    'warning.updated': true;
    /** A person cancelled a warning; subject: the cancel's message id; details as updated. */
    'warning.cancelled': true;
    /** A person answered a warning at a kit (叫应); subject: the warning; details: state, counts. */
    'warning.answered': true;
    /** A person imported a CAP alert as a warning; subject: the warning made; details: its CAP source. */
    'warning.imported': true;
  }
}

export {};

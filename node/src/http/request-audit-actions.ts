/**
 * The actions the request and SOS routes record in the audit log (docs/api.md §Audit;
 * docs/requests.md §Who may do what), registered with the log's action codes
 * (node/src/domain/audit/audit-actions.ts).
 */

declare module '../domain/audit/audit-actions.js' {
  interface AuditActions {
    /** A person asked for help or supplies; subject: the request; details: type, urgency, items. */
    'request.requested': true;
    /** A person sent an SOS; subject: the request. */
    'request.sos': true;
    /** A person committed resources (a partial commit too); subject: the request; details: items, ETA. */
    'request.committed': true;
    'request.dispatched': true;
    'request.arrived': true;
    'request.released': true;
    'request.declined': true;
    /** A duty officer acknowledged an SOS: the alarm stopped. */
    'request.acknowledged': true;
    /** A person exported the requests; details: the areas covered. */
    'request.exported': true;
  }
}

export {};

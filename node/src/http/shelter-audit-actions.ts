/**
 * The actions the shelter routes record in the audit log (docs/api.md §Audit; docs/shelters.md §Who
 * may do what), registered with the log's action codes (node/src/domain/audit/audit-actions.ts).
 */

declare module '../domain/audit/audit-actions.js' {
  interface AuditActions {
    /** A person counted people in and out of a shelter; subject: the roll-call; details: shelter, in, out, present. */
    'shelter.counted': true;
    /** A person checked someone in at a shelter; subject: the roll-call; details: shelter, registration id. */
    'shelter.checked-in': true;
    /** A person checked someone out of a shelter; subject: the roll-call; details: shelter, registration id. */
    'shelter.checked-out': true;
    /** A person read the list of people unaccounted for (names); details: how many, the areas. */
    'shelter.unaccounted-viewed': true;
    /** A person exported the shelter figures; details: the format and the areas it covered. */
    'shelter.exported': true;
  }
}

export {};

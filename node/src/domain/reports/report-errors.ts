/**
 * Error codes of disaster reports (docs/reports.md), registered with the shared KitError base
 * (node/src/base/errors.ts). The per-field codes are also the `code` of a {@link ReportProblem}
 * (report-problems.ts): a draft is checked whole and every problem listed, then refused as one
 * REPORT_REJECTED.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** A draft report was refused; its problems say which fields and why. */
    REPORT_REJECTED: true;
    /** A figure changed more than its threshold since the last version and has no written reason. */
    REPORT_EXPLANATION_MISSING: true;
    /** A figure is not a count or amount the quick-report form allows (negative, too fine, too big). */
    REPORT_FIGURE_INVALID: true;
    /** A part is larger than its whole (重伤 above 受伤, 绝收 above 成灾…). */
    REPORT_FIGURES_INCONSISTENT: true;
    /** A field other than the figures cannot be sent (hazard, point, area, reporter, time). */
    REPORT_FIELD_INVALID: true;
    /** The stage does not fit the incident: a second 初报, or a 续报 with no 初报 before it. */
    REPORT_STAGE_INVALID: true;
    /** The incident has its 核报: it takes no further 续报 or 核报. */
    REPORT_INCIDENT_CLOSED: true;
    /** The note with its explanations is over the 300 bytes the wire carries. */
    REPORT_NOTE_TOO_LONG: true;
    /** No incident has this id. */
    REPORT_INCIDENT_UNKNOWN: true;
    /** The incident ledger file cannot be read back: it is kept, and nothing is written over it. */
    REPORT_LEDGER_CORRUPT: true;
  }
}

export {};

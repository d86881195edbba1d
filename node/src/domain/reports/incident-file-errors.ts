/**
 * Error codes of the incident file (docs/reports.md §Storage), registered with the shared KitError
 * base (node/src/base/errors.ts) beside those of report-errors.ts.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /**
     * A change could not be written to the incident file (a full disk, a failed sync). The change
     * is not made; the next one first rewrites the file from what is known to be written.
     */
    REPORT_LEDGER_WRITE_FAILED: true;
  }
}

export {};

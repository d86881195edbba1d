/**
 * Error codes of county time (docs/reports.md §County time), registered with the shared KitError
 * base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The configured time zone is not an IANA zone this Node.js knows. */
    COUNTY_TIME_ZONE_UNKNOWN: true;
    /** A local date-time given as text is not one (wrong form, or a month, day or hour out of range). */
    COUNTY_TIME_INVALID: true;
  }
}

export {};

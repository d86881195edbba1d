/**
 * Error codes of `fieldnode foreign` (docs/centre-doors.md §Releasing a kept frame), registered
 * with the shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The foreign payload file, or the entry asked for, cannot be read. */
    FOREIGN_UNREADABLE: true;
    /** The entry is not one a release means anything for: not kept as 'unknown-sender', or too large. */
    FOREIGN_NOT_RELEASABLE: true;
  }
}

export {};

/**
 * The link contract's error codes (docs/links.md §The link contract), registered with the shared
 * KitError base (node/src/base/errors.ts). Expected field failures are SendOutcome values, not these.
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** Send() after stop(). */
    LINK_CLOSED: true;
    /** A configured or named link does not exist. */
    LINK_NOT_FOUND: true;
  }
}

export {};

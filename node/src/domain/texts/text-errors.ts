/**
 * Error codes of short texts (docs/texts.md), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** A text is empty or over the 160 UTF-8 bytes the wire carries (53 Chinese characters). */
    TEXT_TOO_LONG: true;
    /** A text names no destination this node can address: no such kit, or an area code that is none. */
    TEXT_DESTINATION_INVALID: true;
    /** The texts journal could not be read or written. */
    TEXT_JOURNAL_FAILED: true;
  }
}

export {};

/**
 * The RockBLOCK web services' error codes (docs/iridium.md §2), registered with the shared KitError
 * base (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /** A push token does not verify: malformed, wrong algorithm, key or claims. */
    JWT_INVALID: true;
    /** The RockBLOCK MT endpoint refused a message. */
    ROCKBLOCK_MT_FAILED: true;
  }
}

export {};

/**
 * The durable store's error codes (docs/store-and-forward.md), registered with the shared KitError
 * base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** Another process holds the store. */
    STORE_LOCKED: true;
    /** A record cannot be decoded; it is left in place and reported. */
    STORE_CORRUPT: true;
    /** The disk is full: nothing new is accepted, nothing stored is lost. */
    STORE_FULL: true;
    /** Any other storage failure. */
    STORE_IO: true;
    /** The store was used after close(). */
    STORE_CLOSED: true;
  }
}

export {};

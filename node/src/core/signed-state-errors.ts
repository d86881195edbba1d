/**
 * The signed state's error codes (docs/control-messages.md §Persistence), registered with the
 * shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /**
     * The saved signed state (revocations, floors, issuer keys, warning threads) cannot be read.
     * The node must not start without it: starting empty would forget revocations.
     */
    SIGNED_STATE_CORRUPT: true;
  }
}

export {};

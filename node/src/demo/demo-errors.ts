/**
 * The error codes of the demonstration county (docs/demo-county.md §State), registered with the
 * shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /**
     * The demonstration's folder holds something that is not a demonstration county (no
     * county.json), or one it cannot read: nothing there is removed or used.
     */
    DEMO_DIR_FOREIGN: true;
    /** The county's state is incomplete or from another version: `--fresh` starts over. */
    DEMO_STATE_INVALID: true;
  }
}

export {};

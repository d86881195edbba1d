/**
 * Error codes of the daemon's start (docs/operating.md §When a start fails, §The data directory
 * belongs to one node), registered with the shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /**
     * The data directory's identity records another node (id or role) than the configuration's:
     * refused unless the operator moves it with `fieldnode start --adopt`.
     */
    DATA_DIR_OTHER_NODE: true;
    /** Another process holds the lock of the data directory's store: a daemon runs on it already. */
    DATA_DIR_IN_USE: true;
    /** The data directory (or the directory it would be made in) cannot be written: read-only, or not this user's. */
    DATA_DIR_UNWRITABLE: true;
  }
}

export {};

/**
 * Error codes of the store-and-forward core (docs/security.md §The centre's doors), registered
 * with the shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /**
     * A frame on a link whose senders are enrolled devices (the satellite doors) came from a device
     * that is not enrolled and does not check end to end: kept as foreign for the duty officer.
     */
    CORE_UNKNOWN_SENDER: true;
    /**
     * A beacon came from a link address that neither its signed body nor the configuration binds
     * to its node (a replay from another radio): nothing is learnt from it.
     */
    CORE_BEACON_ADDRESS: true;
  }
}

export {};

/**
 * DirectIP's error codes (docs/iridium.md §3), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /** A DirectIP message breaks the protocol's lengths or structure. */
    DIRECTIP_MALFORMED: true;
    /** A connection's PROXY protocol header (docs/centre-doors.md) is missing or malformed. */
    DIRECTIP_PROXY_MALFORMED: true;
  }
}

export {};

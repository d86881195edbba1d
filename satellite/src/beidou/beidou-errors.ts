/**
 * The BeiDou short-message driver's error codes (docs/beidou.md §The driver), registered with the
 * shared KitError base (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /** A sentence is not `$TTSSS,fields*hh`, or a field does not have the documented shape. */
    BEIDOU_MALFORMED: true;
    /** A sentence's XOR checksum does not match its body. */
    BEIDOU_CHECKSUM: true;
    /** The module answered neither card query (`$CCICR`, `$CCICA`) in time: no module, or not this protocol. */
    BEIDOU_NO_ANSWER: true;
    /** The module's stream ended or was closed, or the port could not be opened. */
    BEIDOU_CLOSED: true;
  }
}

export {};

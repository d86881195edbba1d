/**
 * The AT channel's and the SBD modem driver's error codes (docs/iridium.md §1), registered with
 * the shared KitError base (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /** The modem did not answer a command within its timeout. */
    AT_TIMEOUT: true;
    /** The modem answered ERROR or an unexpected result. */
    AT_ERROR: true;
    /** A response line does not have the documented shape. */
    AT_MALFORMED: true;
    /** The AT channel's stream ended or was closed. */
    AT_CLOSED: true;
    /** An SBD buffer's checksum does not match. */
    SBD_CHECKSUM: true;
    /** The credit budget does not allow this session. */
    SBD_BUDGET: true;
  }
}

export {};

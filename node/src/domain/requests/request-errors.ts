/**
 * Error codes of the requests workflow (docs/requests.md), registered with the shared KitError base
 * (node/src/base/errors.ts). A draft or a reply is checked whole and every problem listed, each with
 * one of the per-field codes, then refused as one REQUEST_REJECTED.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** A request or a reply was refused; its problems say which fields and why. */
    REQUEST_REJECTED: true;
    /** A field cannot be sent: a type, urgency, item, quantity, point or count the wire does not carry. */
    REQUEST_FIELD_INVALID: true;
    /** The note is over the 300 bytes the wire carries. */
    REQUEST_TEXT_TOO_LONG: true;
    /** The request cannot take that step from where it stands (it only moves forward). */
    REQUEST_STATUS_INVALID: true;
    /** No request has this id here. */
    REQUEST_UNKNOWN: true;
    /** The request book's journal could not be read or written. */
    REQUEST_JOURNAL_FAILED: true;
  }
}

export {};

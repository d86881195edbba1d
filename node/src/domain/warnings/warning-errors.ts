/**
 * The warnings workflow's error codes (docs/warnings.md; docs/api.md §Warnings), registered with the
 * shared KitError base (node/src/base/errors.ts). The API answers each with the status api-errors.ts
 * gives it.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** This node holds no issuer key (keys.issuer_key_file): it cannot sign a warning. */
    WARNING_NO_ISSUER: true;
    /** No warning with this id is held here. */
    WARNING_UNKNOWN: true;
    /** The warning is cancelled, superseded or expired: it can no longer be answered or updated. */
    WARNING_CLOSED: true;
    /** Answers are made at a kit, where the person is; the centre keeps the board. */
    WARNING_NOT_HERE: true;
  }
}

export {};

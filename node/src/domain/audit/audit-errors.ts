/**
 * Error codes of the audit log (docs/domain-model.md §The audit log), registered with the shared
 * KitError base (node/src/base/errors.ts).
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** The log's last whole line is not a valid entry, so there is nothing sound to append after. */
    AUDIT_CORRUPT: true;
    /** A write or sync of the log failed: the entries of that write, and every later one, are refused. */
    AUDIT_WRITE_FAILED: true;
    /** An entry was appended after close(). */
    AUDIT_CLOSED: true;
    /** The log cannot be opened or read. */
    AUDIT_UNREADABLE: true;
  }
}

export {};

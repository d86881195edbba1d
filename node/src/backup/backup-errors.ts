/**
 * The error codes of `fieldnode backup` and `fieldnode restore` (docs/operating.md §Backup and
 * restore), registered with the shared KitError base (node/src/base/errors.ts). Each message says
 * what is wrong, where, and what to do.
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The backup's directory exists and holds something: a backup is never written over another. */
    BACKUP_EXISTS: true;
    /** The backup's directory is the data directory or inside it: it would copy itself. */
    BACKUP_INSIDE_DATA_DIR: true;
    /** A backup cannot be read: a file is missing, its bytes do not match the manifest, or the store dump is damaged. */
    BACKUP_CORRUPT: true;
    /** The directory to restore into exists and is not empty: a restore never writes over a node. */
    RESTORE_NOT_EMPTY: true;
  }
}

export {};

/**
 * The kit's warning book's own error code (docs/warnings.md §The kit's warning book), registered
 * with the shared KitError base (node/src/base/errors.ts). The workflow's codes it shares with the
 * centre (WARNING_UNKNOWN, WARNING_CLOSED) are in ../warning-errors.ts.
 */

declare module '../../../base/errors.js' {
  interface KitErrorCodes {
    /**
     * The book's journal (<data_dir>/kit-warnings.jsonl) could not be written: an answer is not
     * kept, so it is neither silenced nor sent; the disk is full or failing.
     */
    WARNING_JOURNAL_FAILED: true;
  }
}

export {};

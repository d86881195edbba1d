/**
 * Error codes of the command line itself (docs/operating.md §The command line), registered with
 * the shared KitError base (node/src/base/errors.ts). CLI_USAGE, the usage error, is registered
 * with the configuration's codes (node/src/config/config-errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** A file named on the command line cannot be read. */
    CLI_INPUT_UNREADABLE: true;
  }
}

export {};

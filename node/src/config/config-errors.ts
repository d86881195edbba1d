/**
 * Configuration and command-line error codes, registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The file cannot be read or parsed. */
    CONFIG_UNREADABLE: true;
    /** The file parses but breaks the schema; the message lists every problem. */
    CONFIG_INVALID: true;
    CLI_USAGE: true;
  }
}

export {};

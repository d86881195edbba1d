/**
 * The error code of the system-tool lookup (system-tool.ts; docs/conventions.md §System tools),
 * registered with the shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** A program the code runs (socat, Chromium) is not on PATH; the message names the package. */
    TOOL_MISSING: true;
  }
}

export {};

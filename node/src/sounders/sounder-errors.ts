/**
 * The error codes of the kit's sounders (docs/warnings.md §The alarm at the kit, "Sounders"),
 * registered with the shared KitError base (node/src/base/errors.ts). A sounder never throws them
 * at the alarm: it logs them, once per change, and goes on (docs/conventions.md §Logging).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** A sounder's program failed (aplay, espeak-ng, gpioset exited with an error, or the file could not be written). */
    SOUNDER_FAILED: true;
  }
}

export {};

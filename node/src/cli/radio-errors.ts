/**
 * Error codes of `fieldnode radio` (docs/profiles.md), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** A device profile cannot be read or parsed. */
    PROFILE_UNREADABLE: true;
    /** A device profile parses but breaks its rules; the message lists every problem. */
    PROFILE_INVALID: true;
    /** A profile's channel key is one anyone has, outside the demonstration county. */
    PROFILE_PUBLIC_KEY: true;
    /** A radio reads back different from its profile (after apply, or at verify). */
    RADIO_MISMATCH: true;
  }
}

export {};

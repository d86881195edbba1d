/**
 * Error codes of applying a Meshtastic profile (docs/profiles.md §Applying), registered with the
 * shared KitError base (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /**
     * A write of sections the firmware applies only at a reboot (lora, position) came back with the
     * radio's reboot count unchanged: what it reads back is saved, not in effect.
     */
    MESH_PROFILE_NOT_REBOOTED: true;
    /** A role change was written, and the write after it (the rebroadcast mode and the rest) failed. */
    MESH_PROFILE_HALF_APPLIED: true;
  }
}

export {};

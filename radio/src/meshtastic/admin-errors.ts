/**
 * Error codes of writing settings to a Meshtastic radio and reading them back
 * (docs/profiles.md §Writing, §Waiting for the reboot), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /** The radio did not answer an admin message with its QueueStatus in time. */
    MESH_ADMIN_TIMEOUT: true;
    /** The radio answered an admin message with a QueueStatus error. */
    MESH_ADMIN_REFUSED: true;
    /** After a write, the radio did not come back and answer a handshake in time. */
    MESH_REBOOT_TIMEOUT: true;
  }
}

export {};

/**
 * The Meshtastic adapter's error codes (docs/meshtastic.md), registered with the shared KitError
 * base (node/src/base/errors.ts).
 */

declare module '../../../node/src/base/errors.js' {
  interface KitErrorCodes {
    /** A ToRadio/FromRadio/Routing protobuf does not decode. */
    MESH_DECODE: true;
    /** The device did not complete the want_config handshake in time. */
    MESH_HANDSHAKE: true;
    /** The device session ended (reboot, port gone, socket closed, silence). */
    MESH_SESSION_CLOSED: true;
    /** The serial port or TCP socket could not be opened. */
    MESH_PORT: true;
  }
}

export {};

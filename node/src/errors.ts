/**
 * The registry of coded errors (STYLE.md §12.7).
 *
 * Codes are stable API: tests, logs and the UI match on them. Messages are for people and may
 * change. Anything that wraps another error passes it as `cause`. Programmer errors (bad arguments,
 * impossible states) are plain TypeError/RangeError and are not caught.
 */

export type KitErrorCode =
  // Wire format (docs/wire-format.md): decoding untrusted bytes fails only with these.
  | 'WIRE_TRUNCATED' // the bytes end before the structure they announce
  | 'WIRE_TRAILING' // bytes left over after a complete structure
  | 'WIRE_MALFORMED' // not the shape the spec allows (bad CBOR, non-canonical, wrong type)
  | 'WIRE_TOO_LARGE' // a length, count or value is over its bound
  | 'WIRE_FIELD_INVALID' // a field decodes but its value is out of range or inconsistent
  | 'WIRE_UNSUPPORTED_VERSION' // a frame of a format version this node does not speak
  | 'WIRE_ENCODE_INVALID' // a message given to the encoder breaks the schema
  // Fragmentation and batching (docs/wire-format.md §Fragmentation, §Batching).
  | 'FRAG_INVALID' // a fragment header is inconsistent with earlier fragments of its message
  | 'FRAG_DIGEST_MISMATCH' // the reassembled message does not match its digest
  | 'FRAG_LIMIT' // reassembly buffers are full or a message would be too large
  // Authentication (docs/wire-format.md §Authentication; DESIGN.md Security).
  | 'AUTH_MISSING' // a kind that must be signed or tagged arrived without it
  | 'AUTH_UNKNOWN_KEY' // no key is known for the signer or the origin
  | 'AUTH_SIGNATURE_INVALID' // an Ed25519 signature does not verify: forged or altered
  | 'AUTH_TAG_INVALID' // a truncated HMAC tag does not verify: wrong key or altered
  | 'AUTH_NOT_AUTHORISED' // a valid signature by a key that may not issue this kind
  | 'AUTH_REPLAY' // this (origin, sequence) was seen before or is older than the window
  | 'AUTH_EXPIRED' // the message or warning has outlived its lifetime
  // Keys on disk.
  | 'KEYS_UNREADABLE' // an identity file exists but cannot be read or parsed
  | 'KEYS_INSECURE' // an identity file is readable by others than its owner
  // Links (DESIGN.md "The link contract").
  | 'LINK_CLOSED' // send() after stop()
  | 'LINK_NOT_FOUND' // a configured or named link does not exist
  // The Meshtastic adapter (protocols/meshtastic.md).
  | 'MESH_DECODE' // a ToRadio/FromRadio/Routing protobuf does not decode
  | 'MESH_HANDSHAKE' // the device did not complete the want_config handshake in time
  | 'MESH_SESSION_CLOSED' // the device session ended (reboot, port gone, socket closed, silence)
  | 'MESH_PORT' // the serial port or TCP socket could not be opened
  // The Iridium SBD adapter and the centre's satellite ingress (protocols/iridium.md).
  | 'AT_TIMEOUT' // the modem did not answer a command within its timeout
  | 'AT_ERROR' // the modem answered ERROR or an unexpected result
  | 'AT_MALFORMED' // a response line does not have the documented shape
  | 'AT_CLOSED' // the AT channel's stream ended or was closed
  | 'SBD_CHECKSUM' // an SBD buffer's checksum does not match
  | 'SBD_BUDGET' // the credit budget does not allow this session
  | 'JWT_INVALID' // a push token does not verify: malformed, wrong algorithm, key or claims
  | 'DIRECTIP_MALFORMED' // a DirectIP message breaks the protocol's lengths or structure
  | 'ROCKBLOCK_MT_FAILED' // the RockBLOCK MT endpoint refused a message
  // The durable store (DESIGN.md Storage).
  | 'STORE_LOCKED' // another process holds the store
  | 'STORE_CORRUPT' // a record cannot be decoded; it is left in place and reported
  | 'STORE_FULL' // the disk is full: nothing new is accepted, nothing stored is lost
  | 'STORE_IO' // any other storage failure
  | 'STORE_CLOSED' // the store was used after close()
  // Configuration.
  | 'CONFIG_UNREADABLE' // the file cannot be read or parsed
  | 'CONFIG_INVALID' // the file parses but breaks the schema; the message lists every problem
  // Command line.
  | 'CLI_USAGE';

export class KitError extends Error {
  readonly code: KitErrorCode;

  constructor(code: KitErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KitError';
    this.code = code;
  }
}

export function isKitError(err: unknown, code?: KitErrorCode): err is KitError {
  return err instanceof KitError && (code === undefined || err.code === code);
}

/**
 * A short, safe rendering of an untrusted value for an error message: never throws (unlike a
 * template literal on an object without toString, or JSON.stringify on a bigint) and never long.
 */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The wire codec's error codes (docs/wire-format.md), registered with the shared KitError base
 * (node/src/base/errors.ts): decoding untrusted bytes fails only with these, and so do fragmentation
 * and batching (docs/wire-format.md §Fragmentation, §Batching).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The bytes end before the structure they announce. */
    WIRE_TRUNCATED: true;
    /** Bytes left over after a complete structure. */
    WIRE_TRAILING: true;
    /** Not the shape the spec allows (bad CBOR, non-canonical, wrong type). */
    WIRE_MALFORMED: true;
    /** A length, count or value is over its bound. */
    WIRE_TOO_LARGE: true;
    /** A field decodes but its value is out of range or inconsistent. */
    WIRE_FIELD_INVALID: true;
    /** A frame of a format version this node does not speak. */
    WIRE_UNSUPPORTED_VERSION: true;
    /** A message given to the encoder breaks the schema. */
    WIRE_ENCODE_INVALID: true;
    /** A fragment header is inconsistent with earlier fragments of its message. */
    FRAG_INVALID: true;
    /** The reassembled message does not match its digest. */
    FRAG_DIGEST_MISMATCH: true;
    /** Reassembly buffers are full or a message would be too large. */
    FRAG_LIMIT: true;
  }
}

export {};

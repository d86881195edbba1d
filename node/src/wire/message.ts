/**
 * A whole message frame: envelope, body and authentication trailer (docs/wire-format.md §Frame).
 *
 *     frame = envelope | body (CBOR sequence) | trailer (0, 8 or 64 bytes, by b0's auth scheme)
 *
 * The authenticated bytes are everything before the trailer, exactly as received: nothing is
 * re-encoded to verify, so a relay forwards what it cannot parse or verify byte for byte.
 * Encoding is deterministic: the same message always gives the same bytes.
 */
import { isKitError, KitError, show } from '../base/errors.js';
import { decodeItem, encodeItems, scanItem } from './cbor.js';
import { AUTH_TRAILER_BYTES, type Envelope, readEnvelope, writeEnvelope } from './envelope.js';
import { type BodyByKind, KINDS, type KindName, kindByCode } from './kinds.js';
import { decodeRelayTags, type RelayTagEntry, relayTagsStart } from './relay-tags.js';
import { type CodecContext, decodeFields, encodeFields, type FieldMap } from './schema.js';
import { ByteReader } from './varint.js';

/** Largest message frame before fragmentation (docs/wire-format.md §Fragmentation). */
export const MAX_FRAME_BYTES = 16_384;

/** A message this node understands: envelope fields, kind name and typed body. */
export type Message = {
  [K in KindName]: Omit<Envelope, 'kindCode' | 'auth'> & { kind: K; body: BodyByKind[K] };
}[KindName];

export type MessageOf<K extends KindName> = Extract<Message, { kind: K }>;

/**
 * What signs or tags the frame: the caller computes the trailer from the authenticated bytes (for
 * relay tags, a trailer of its own length: relay-tags.ts encodeRelayTags).
 */
export type Authenticator =
  | { scheme: 'none' }
  | { scheme: 'mac' | 'signature' | 'relay-tags'; trailer: (authenticated: Uint8Array) => Uint8Array };

/** A frame taken apart but not yet verified. */
export interface DecodedFrame {
  envelope: Envelope;
  /** The typed message, or undefined for a kind this version does not know (still routable). */
  message: Message | undefined;
  /** The bytes the trailer authenticates (a view into the frame). */
  authenticated: Uint8Array;
  /** The signature or tag (a view into the frame); empty when the scheme is 'none'. */
  trailer: Uint8Array;
  /** Body items past the fields this version knows: a later version's fields, skipped. */
  unknownFields: number;
  /** For the relay-tag scheme: the trailer's tags, one per kit (docs/wire-format.md §6.5). */
  relayTags?: RelayTagEntry[];
}

export function encodeMessage(message: Message, auth: Authenticator): Uint8Array {
  const def =
    typeof message.kind === 'string' && Object.hasOwn(KINDS, message.kind) ? KINDS[message.kind] : undefined;
  if (!def) throw new KitError('WIRE_ENCODE_INVALID', `unknown kind ${show(message.kind)}`);
  const ctx: CodecContext = { createdAt: message.createdAt };
  // Fields first: the cross-field check may assume a well-formed body.
  const items = encodeFields(def.fields, message.body as Record<string, unknown>, message.kind, ctx);
  const check = def.check as ((b: unknown) => string | undefined) | undefined;
  const problem = check?.(message.body);
  if (problem) throw new KitError('WIRE_ENCODE_INVALID', `${message.kind}: ${problem}`);
  const head: number[] = [];
  writeEnvelope(head, { ...message, kindCode: def.code, auth: auth.scheme });
  const body = encodeItems(items);
  const authenticated = new Uint8Array(head.length + body.length);
  authenticated.set(head, 0);
  authenticated.set(body, head.length);
  const trailer = auth.scheme === 'none' ? new Uint8Array(0) : auth.trailer(authenticated);
  if (auth.scheme !== 'relay-tags' && trailer.length !== AUTH_TRAILER_BYTES[auth.scheme]) {
    throw new TypeError(
      `a ${auth.scheme} trailer is ${AUTH_TRAILER_BYTES[auth.scheme]} bytes, got ${trailer.length}`,
    );
  }
  const frame = new Uint8Array(authenticated.length + trailer.length);
  frame.set(authenticated, 0);
  frame.set(trailer, authenticated.length);
  if (frame.length > MAX_FRAME_BYTES)
    throw new KitError('WIRE_ENCODE_INVALID', `frame over ${MAX_FRAME_BYTES} bytes`);
  return frame;
}

/**
 * Takes a message frame apart. Untrusted input: throws nothing but KitError, and rejects
 * truncation, trailing bytes, non-canonical CBOR and out-of-range fields.
 */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  if (frame.length > MAX_FRAME_BYTES)
    throw new KitError('WIRE_TOO_LARGE', `frame over ${MAX_FRAME_BYTES} bytes`);
  const reader = new ByteReader(frame);
  const envelope = readEnvelope(reader);
  const bodyStart = reader.position;
  // Relay tags say their own length in the last byte; every other scheme's trailer is fixed.
  const tagsStart = envelope.auth === 'relay-tags' ? relayTagsStart(frame, bodyStart) : undefined;
  const relayTags = tagsStart === undefined ? undefined : decodeRelayTags(frame, tagsStart);
  const trailerBytes =
    envelope.auth === 'relay-tags' ? frame.length - (tagsStart as number) : AUTH_TRAILER_BYTES[envelope.auth];
  const bodyEnd = frame.length - trailerBytes;
  if (bodyEnd < bodyStart) {
    const left = frame.length - bodyStart;
    throw new KitError(
      'WIRE_TRUNCATED',
      `${TRAILER_NAMES[envelope.auth]}: ${trailerBytes} bytes needed after the envelope, at offset ${bodyStart}, ${left} left (${trailerBytes - left} missing)`,
    );
  }
  const kind = kindByCode(envelope.kindCode);
  const fieldNames = kind ? Object.keys(KINDS[kind].fields) : [];
  // Every body item must be well-formed, even those this version skips, so that "trailing garbage"
  // cannot hide behind "a later version's field".
  const bounds = scanBody(
    frame,
    bodyStart,
    bodyEnd,
    kind ?? `kind ${envelope.kindCode}`,
    fieldNames,
    envelope,
  );
  const authenticated = frame.subarray(0, bodyEnd);
  const trailer = frame.subarray(bodyEnd);
  const tags = relayTags === undefined ? {} : { relayTags };
  if (!kind)
    return {
      envelope,
      message: undefined,
      authenticated,
      trailer,
      unknownFields: bounds.length - 1,
      ...tags,
    };

  const def = KINDS[kind];
  const known = fieldNames.length;
  const items: unknown[] = [];
  for (let i = 0; i < Math.min(known, bounds.length - 1); i++) {
    items.push(decodeItem(frame, bounds[i] as number, bounds[i + 1] as number));
  }
  checkRequiredPresent(def.fields, items.length, kind, bodyEnd, envelope);
  const body = decodeFields(def.fields, items, kind, { createdAt: envelope.createdAt });
  const check = def.check as ((b: unknown) => string | undefined) | undefined;
  const problem = check?.(body);
  if (problem) throw new KitError('WIRE_FIELD_INVALID', `${kind}: ${problem}`);
  const { kindCode: _code, auth: _auth, ...rest } = envelope;
  const message = { ...rest, kind, body } as Message;
  return {
    envelope,
    message,
    authenticated,
    trailer,
    unknownFields: Math.max(0, bounds.length - 1 - known),
    ...tags,
  };
}

const TRAILER_NAMES: Readonly<Record<Envelope['auth'], string>> = {
  none: 'trailer',
  mac: 'MAC tag',
  signature: 'signature',
  'relay-tags': 'relay tags',
};

/** Where the body ends, for a message that says so: "where the 8-byte MAC tag begins". */
function bodyEndText(bodyEnd: number, envelope: Envelope): string {
  if (envelope.auth === 'relay-tags') return `offset ${bodyEnd}, where the relay tags begin`;
  const n = AUTH_TRAILER_BYTES[envelope.auth];
  return n === 0
    ? `the end of the frame, offset ${bodyEnd}`
    : `offset ${bodyEnd}, where the ${n}-byte ${TRAILER_NAMES[envelope.auth]} begins`;
}

/**
 * The item boundaries of the body, each item checked; an item that does not scan is named by its
 * field (`report.indicators (body field 3)`), and a truncated one says where the body ends.
 */
function scanBody(
  frame: Uint8Array,
  start: number,
  end: number,
  kind: string,
  fieldNames: readonly string[],
  envelope: Envelope,
): number[] {
  const bounds: number[] = [start];
  let pos = start;
  while (pos < end) {
    const index = bounds.length - 1;
    try {
      pos = scanItem(frame, pos, end);
    } catch (err) {
      if (!isKitError(err)) throw err;
      const name = fieldNames[index] ?? 'a later version’s field';
      const where = err.code === 'WIRE_TRUNCATED' ? `; the body ends at ${bodyEndText(end, envelope)}` : '';
      throw new KitError(err.code, `${kind}.${name} (body field ${index}): ${err.message}${where}`, {
        cause: err,
      });
    }
    bounds.push(pos);
  }
  return bounds;
}

/**
 * A required field past the last item is missing because the body ended: say so, and where, since
 * a frame cut short looks like this when its last bytes are taken for the trailer.
 */
function checkRequiredPresent(
  fields: FieldMap,
  present: number,
  kind: string,
  bodyEnd: number,
  envelope: Envelope,
): void {
  const names = Object.keys(fields);
  const missing = names.findIndex((name, i) => i >= present && !fields[name]?.optional);
  if (missing < 0) return;
  throw new KitError(
    'WIRE_FIELD_INVALID',
    `${kind}.${names[missing]} (body field ${missing}) is required, but the body ends after ${present} field${present === 1 ? '' : 's'}, at ${bodyEndText(bodyEnd, envelope)}: is the frame cut short?`,
  );
}

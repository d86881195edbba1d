/**
 * The shared-field batch (docs/wire-format.md §8.1): a batch container whose messages are written
 * against the one before them, so that what they share (the envelope's first byte and kind, the
 * flags, the lifetime, the destination, the origin) is written once and times and sequence numbers
 * as steps. Every message is rebuilt byte for byte on unpacking, so its MAC or signature is checked
 * as if it had come alone: nothing is re-encoded that the trailer covers.
 *
 *     0x04 | entry…            (at least one entry, to the end)
 *     entry = 0x80 | varint length ≥ 1 | frame           a raw entry: a fragment, a hop-tagged
 *                                                        container, anything not rebuilt
 *           | H | [b0] [kind] [flags] [lifetime] [dest] [origin step] | seq | time step
 *             | varint length | body ‖ trailer            a v1 message
 *
 * H's bits say which fields follow, written in full (b0 0x01, kind 0x02, flags 0x04 as a varint,
 * lifetime 0x08 and destination 0x10 as varints) or, for the origin (0x20), as the zigzag step from
 * the previous message's origin; a field not written is the previous message's. Bit 0x40 is
 * reserved (0). The seq follows: in full when the origin was written, else the zigzag step from the
 * previous seq. Then the time, as the zigzag step in seconds from the previous message's time
 * (the first message's from 0). Before the first message every field is 0, so the first writes at
 * least b0 and lifetime.
 *
 * Older nodes know container type 0x04 as reserved and keep such a payload as foreign, unread
 * (classify.ts): a node sends it only over a link whose other end is known to read it (per-link
 * configuration, docs/store-and-forward.md §Satellite).
 */
import { KitError } from '../base/errors.js';
import { BATCH_TYPE, SHARED_BATCH_TYPE } from './container-types.js';
import { ByteReader, pushVarint } from './varint.js';

const RAW = 0x80;
const HAS_B0 = 0x01;
const HAS_KIND = 0x02;
const HAS_FLAGS = 0x04;
const HAS_LIFETIME = 0x08;
const HAS_DEST = 0x10;
const HAS_ORIGIN = 0x20;
const RESERVED = 0x40;

const U32 = 0xffff_ffff;
/** A zigzag step between two u32 values: at most 2^33 − 1. */
const MAX_STEP = 2 ** 33 - 1;
/** The largest frame an entry may rebuild (docs/wire-format.md §1, a hop-tagged message). */
const MAX_ENTRY_BYTES = 16_389;

/** The envelope fields that entries share, raw as on the wire (unknown flag bits kept). */
interface Fields {
  b0: number;
  kind: number;
  flags: number;
  origin: number;
  seq: number;
  time: number;
  lifetime: number;
  dest: number;
}

const ZERO: Fields = { b0: 0, kind: 0, flags: 0, origin: 0, seq: 0, time: 0, lifetime: 0, dest: 0 };

const zigzag = (n: number) => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** A v1 message's envelope fields and where its body starts, if it rebuilds byte for byte. */
function splitMessage(frame: Uint8Array): { fields: Fields; rest: Uint8Array } | undefined {
  if (frame.length === 0 || (frame[0] as number) >> 6 !== 1) return undefined;
  try {
    const r = new ByteReader(frame);
    const b0 = r.u8('b0');
    const kind = r.u8('kind');
    const flags = b0 & 1 ? r.varint('flags', U32) : 0;
    const fields: Fields = {
      b0,
      kind,
      flags,
      origin: r.varint('origin', U32),
      seq: r.varint('seq', U32),
      time: r.u32be('time'),
      lifetime: r.varint('lifetime', U32),
      dest: r.varint('destination'),
    };
    const rest = frame.subarray(r.position);
    const rebuilt = writeEnvelope(fields);
    if (rebuilt.length !== r.position || rebuilt.some((b, i) => b !== frame[i])) return undefined;
    return { fields, rest };
  } catch {
    return undefined;
  }
}

function writeEnvelope(f: Fields): number[] {
  const out = [f.b0, f.kind];
  if (f.b0 & 1) pushVarint(out, f.flags);
  pushVarint(out, f.origin);
  pushVarint(out, f.seq);
  out.push(f.time >>> 24, (f.time >>> 16) & 0xff, (f.time >>> 8) & 0xff, f.time & 0xff);
  pushVarint(out, f.lifetime);
  pushVarint(out, f.dest);
  return out;
}

/**
 * Packs frames into one shared-field batch, messages grouped by first byte, kind and origin (in
 * the order given within each), raw entries after them.
 *
 * @throws RangeError for no frames, an empty frame or a batch among them.
 */
export function packSharedFields(frames: readonly Uint8Array[]): Uint8Array {
  if (frames.length === 0) throw new RangeError('packSharedFields: no frames');
  const messages: Array<{ fields: Fields; rest: Uint8Array; order: number }> = [];
  const raws: Uint8Array[] = [];
  for (const [order, frame] of frames.entries()) {
    if (frame.length === 0) throw new RangeError('packSharedFields: an empty frame');
    if (frame[0] === BATCH_TYPE || frame[0] === SHARED_BATCH_TYPE)
      throw new RangeError('packSharedFields: a frame is already a batch');
    const split = splitMessage(frame);
    if (split) messages.push({ ...split, order });
    else raws.push(frame);
  }
  messages.sort(
    (a, b) =>
      a.fields.b0 - b.fields.b0 ||
      a.fields.kind - b.fields.kind ||
      a.fields.origin - b.fields.origin ||
      a.order - b.order,
  );
  const out: number[] = [SHARED_BATCH_TYPE];
  let prev = ZERO;
  for (const { fields: f, rest } of messages) {
    let h = 0;
    if (f.b0 !== prev.b0) h |= HAS_B0;
    if (f.kind !== prev.kind) h |= HAS_KIND;
    if (f.b0 & 1 && f.flags !== prev.flags) h |= HAS_FLAGS;
    if (f.lifetime !== prev.lifetime) h |= HAS_LIFETIME;
    if (f.dest !== prev.dest) h |= HAS_DEST;
    if (f.origin !== prev.origin) h |= HAS_ORIGIN;
    out.push(h);
    if (h & HAS_B0) out.push(f.b0);
    if (h & HAS_KIND) out.push(f.kind);
    if (h & HAS_FLAGS) pushVarint(out, f.flags);
    if (h & HAS_LIFETIME) pushVarint(out, f.lifetime);
    if (h & HAS_DEST) pushVarint(out, f.dest);
    if (h & HAS_ORIGIN) pushVarint(out, zigzag(f.origin - prev.origin));
    pushVarint(out, h & HAS_ORIGIN ? f.seq : zigzag(f.seq - prev.seq));
    pushVarint(out, zigzag(f.time - prev.time));
    pushVarint(out, rest.length);
    for (const b of rest) out.push(b);
    prev = f;
  }
  for (const frame of raws) {
    out.push(RAW);
    pushVarint(out, frame.length);
    for (const b of frame) out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * Unpacks a shared-field batch into its frames, each rebuilt (new bytes, not views).
 *
 * @throws KitError WIRE_TRUNCATED (no entry, or an entry runs past the end), WIRE_MALFORMED (a
 *   reserved bit, a first byte that is not a v1 message, flags announced but zero or not
 *   announced, a field out of range, a zero length, a batch inside), WIRE_TOO_LARGE (a varint
 *   over its bound, an entry over 16,389 bytes).
 */
export function unpackSharedFields(bytes: Uint8Array): Uint8Array[] {
  if (bytes[0] !== SHARED_BATCH_TYPE)
    throw new KitError('WIRE_MALFORMED', 'shared-field batch: the type byte is not 0x04');
  const r = new ByteReader(bytes, 1);
  if (r.remaining === 0)
    throw new KitError(
      'WIRE_TRUNCATED',
      'shared-field batch: an entry was expected at offset 1; the frame ends there',
    );
  const frames: Uint8Array[] = [];
  let prev = ZERO;
  while (r.remaining > 0) {
    const at = `shared-field batch entry ${frames.length}`;
    const h = r.u8(`${at}'s first byte`);
    if (h === RAW) {
      const length = r.varint(`${at}'s length`, MAX_ENTRY_BYTES);
      if (length === 0) throw new KitError('WIRE_MALFORMED', `${at}: length 0`);
      const frame = r.take(length, `${at} (announced ${length} bytes)`);
      if (frame[0] === BATCH_TYPE || frame[0] === SHARED_BATCH_TYPE)
        throw new KitError('WIRE_MALFORMED', `${at}: a batch inside a batch`);
      frames.push(Uint8Array.from(frame));
      continue;
    }
    if (h & (RAW | RESERVED))
      throw new KitError('WIRE_MALFORMED', `${at}: reserved bits in 0x${h.toString(16)}`);
    const b0 = h & HAS_B0 ? r.u8(`${at}'s b0`) : prev.b0;
    if (b0 >> 6 !== 1)
      throw new KitError('WIRE_MALFORMED', `${at}: b0 0x${b0.toString(16)} is not a v1 message`);
    const kind = h & HAS_KIND ? r.u8(`${at}'s kind`) : prev.kind;
    if (h & HAS_FLAGS && !(b0 & 1))
      throw new KitError('WIRE_MALFORMED', `${at}: flags written but b0 has none`);
    const flags = b0 & 1 ? (h & HAS_FLAGS ? r.varint(`${at}'s flags`, U32) : prev.flags) : 0;
    if (b0 & 1 && flags === 0) throw new KitError('WIRE_MALFORMED', `${at}: flags announced but zero`);
    const lifetime = h & HAS_LIFETIME ? r.varint(`${at}'s lifetime`, U32) : prev.lifetime;
    const dest = h & HAS_DEST ? r.varint(`${at}'s destination`) : prev.dest;
    const origin =
      h & HAS_ORIGIN ? prev.origin + unzigzag(r.varint(`${at}'s origin step`, MAX_STEP)) : prev.origin;
    const seq =
      h & HAS_ORIGIN
        ? r.varint(`${at}'s seq`, U32)
        : prev.seq + unzigzag(r.varint(`${at}'s seq step`, MAX_STEP));
    const time = prev.time + unzigzag(r.varint(`${at}'s time step`, MAX_STEP));
    for (const [name, v] of [
      ['origin', origin],
      ['seq', seq],
      ['time', time],
    ] as const)
      if (v < 0 || v > U32) throw new KitError('WIRE_MALFORMED', `${at}: ${name} ${v} is outside 0..2^32−1`);
    const fields: Fields = { b0, kind, flags, origin, seq, time, lifetime, dest };
    const length = r.varint(`${at}'s body length`, MAX_ENTRY_BYTES);
    const rest = r.take(length, `${at}'s body (announced ${length} bytes)`);
    const envelope = writeEnvelope(fields);
    if (envelope.length + length > MAX_ENTRY_BYTES)
      throw new KitError(
        'WIRE_TOO_LARGE',
        `${at}: ${envelope.length + length} bytes, over ${MAX_ENTRY_BYTES}`,
      );
    const frame = new Uint8Array(envelope.length + length);
    frame.set(envelope, 0);
    frame.set(rest, envelope.length);
    frames.push(frame);
    prev = fields;
  }
  return frames;
}

/**
 * A payload taken apart layer by layer for `fieldnode wire decode` (docs/wire-format.md §1, §6,
 * §7, §8; docs/operating.md §The command line): a batch and its entries, fragments, hop-tagged
 * containers and messages, each with where it starts in the payload; what does not parse is kept
 * as an invalid layer with the decoder's error, so the rest is still shown.
 *
 * Given the master secret, the tags are checked too: a message's MAC tag under the kit key K(node)
 * and a hop tag under the relay key R(node), where node is the kit at the kit end of the
 * conversation (§6.1, §6.4): the origin, or the destination node when the origin is a centre node.
 * Which nodes are centre nodes this tool cannot know, so it tries the origin, then a destination
 * node, and says which key verified.
 */
import { isKitError, KitError } from '../base/errors.js';
import { verifyHopTag } from '../crypto/hop-tag.js';
import { deriveKitKey, deriveRelayKey } from '../crypto/kit-keys.js';
import { verifyMacTag } from '../crypto/mac.js';
import { unpackBatch } from '../wire/batch.js';
import { entryShape } from '../wire/classify.js';
import { parseFragment } from '../wire/fragment.js';
import { HOP_TAGGED_OVERHEAD, unwrapHopTagged } from '../wire/hop-tagged.js';
import { type DecodedFrame, decodeFrame } from '../wire/message.js';

/** The key a tag was checked with: the kit's whose id is `node`, the message's origin or destination. */
export interface KeyUsed {
  node: number;
  as: 'origin' | 'destination';
}

/** What checking a tag found: the key that verified it, or every key tried. */
export type TagCheck = { valid: true; key: KeyUsed } | { valid: false; tried: KeyUsed[] };

interface Place {
  /** Where the layer starts in the payload. */
  offset: number;
  /** Its length. */
  bytes: number;
}

export type FrameLayer = Place &
  (
    | { type: 'batch'; entries: FrameLayer[] }
    | { type: 'fragment'; digest: Uint8Array; index: number; count: number; chunkBytes: number }
    | { type: 'hop-tagged'; tag: Uint8Array; check?: TagCheck; inner: FrameLayer }
    | { type: 'message'; decoded: DecodedFrame; check?: TagCheck }
    | { type: 'invalid'; error: KitError }
  );

/** Every layer of `payload`; with `master`, every MAC tag and hop tag checked. Throws only bugs. */
export function describePayload(payload: Uint8Array, master?: Uint8Array): FrameLayer {
  let entries: Uint8Array[];
  try {
    entries = unpackBatch(payload);
  } catch (err) {
    return invalid(err, 0, payload.length);
  }
  if (entries.length === 1 && entries[0] === payload) return describeEntry(payload, 0, master);
  return {
    type: 'batch',
    offset: 0,
    bytes: payload.length,
    entries: entries.map((e) => describeEntry(e, e.byteOffset - payload.byteOffset, master)),
  };
}

function describeEntry(entry: Uint8Array, offset: number, master: Uint8Array | undefined): FrameLayer {
  const place = { offset, bytes: entry.length };
  const shape = entryShape(entry);
  try {
    if (shape === 'message') return describeMessage(entry, offset, master);
    if (shape === 'fragment') {
      const f = parseFragment(entry);
      return {
        type: 'fragment',
        ...place,
        digest: f.digest,
        index: f.index,
        count: f.count,
        chunkBytes: f.chunk.length,
      };
    }
    if (shape === 'hop-tagged') {
      const { tag, frame } = unwrapHopTagged(entry);
      const inner = describeMessage(frame, offset + HOP_TAGGED_OVERHEAD, master);
      const check =
        master !== undefined && inner.type === 'message'
          ? checkWith(inner.decoded, (node) => verifyHopTag(relayKey(master, node), frame, tag))
          : undefined;
      return { type: 'hop-tagged', ...place, tag, ...(check === undefined ? {} : { check }), inner };
    }
    const code = shape.reason === 'unsupported-version' ? 'WIRE_UNSUPPORTED_VERSION' : 'WIRE_MALFORMED';
    return {
      type: 'invalid',
      ...place,
      error: new KitError(code, `b0 0x${hex2(entry[0])}: ${shape.detail}`),
    };
  } catch (err) {
    return invalid(err, offset, entry.length);
  }
}

function describeMessage(frame: Uint8Array, offset: number, master: Uint8Array | undefined): FrameLayer {
  let decoded: DecodedFrame;
  try {
    decoded = decodeFrame(frame);
  } catch (err) {
    return invalid(err, offset, frame.length);
  }
  const check =
    master !== undefined && decoded.envelope.auth === 'mac'
      ? checkWith(decoded, (node) =>
          verifyMacTag(deriveKitKey(master, node), decoded.authenticated, decoded.trailer),
        )
      : undefined;
  return { type: 'message', offset, bytes: frame.length, decoded, ...(check === undefined ? {} : { check }) };
}

/** Tries the keys of the origin, then of a destination node, as §6.1 picks the one that tags. */
function checkWith(decoded: DecodedFrame, verifies: (node: number) => boolean): TagCheck {
  const { origin, dest } = decoded.envelope;
  const candidates: KeyUsed[] = [{ node: origin, as: 'origin' }];
  if (dest.to === 'node' && dest.node !== origin) candidates.push({ node: dest.node, as: 'destination' });
  const key = candidates.find((c) => verifies(c.node));
  return key === undefined ? { valid: false, tried: candidates } : { valid: true, key };
}

function relayKey(master: Uint8Array, node: number): Uint8Array {
  return deriveRelayKey(deriveKitKey(master, node), node);
}

function invalid(err: unknown, offset: number, bytes: number): FrameLayer {
  if (!isKitError(err)) throw err;
  return { type: 'invalid', offset, bytes, error: err };
}

function hex2(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

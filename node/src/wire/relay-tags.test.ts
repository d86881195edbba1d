/**
 * The relay-tag trailer (relay-tags.ts; docs/wire-format.md §6.5): receipts with one tag per kit
 * round-trip through the frame decoder, each tag covering the frame before it; untrusted bytes
 * fail with the codec's own errors only; an older node's reading of the scheme bits is a refusal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode, mutatedBytes, onlyKitErrors } from '../../test/kit-errors.js';
import { relayTagsAuthenticator } from '../crypto/authenticate.js';
import { receiptTag } from '../crypto/receipt-tag.js';
import { fixtureRelayKey } from './fixtures/fixture-keys.js';
import { G1, receiptTagFrames } from './fixtures/receipt-tag-messages.js';
import { decodeFrame, encodeMessage } from './message.js';
import { decodeRelayTags, encodeRelayTags, RELAY_TAG_BYTES, relayTagsTrailerBytes } from './relay-tags.js';

const keysFor = (kits: number[]) => relayTagsAuthenticator(new Map(kits.map((k) => [k, fixtureRelayKey(k)])));

describe('relay tags', () => {
  it('round-trips: the decoder finds every kit, in order, each tag over the bytes before it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 2, max: 0xffff_ffff }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 2 ** 20 }),
        (kits, seq) => {
          const frame = encodeMessage({ ...G1, seq, dest: { to: 'all' } }, keysFor(kits));
          const d = decodeFrame(frame);
          expect(d.envelope.auth).toBe('relay-tags');
          expect(d.message).toEqual({ ...G1, seq, dest: { to: 'all' } });
          const sorted = [...kits].sort((a, b) => a - b);
          expect(d.relayTags?.map((t) => t.kit)).toEqual(sorted);
          expect(d.trailer.length).toBe(relayTagsTrailerBytes(kits));
          for (const t of d.relayTags ?? []) {
            expect(t.tag).toEqual(receiptTag(fixtureRelayKey(t.kit), t.kit, t.covered));
            expect(frame.subarray(t.covered.length, t.covered.length + RELAY_TAG_BYTES)).toEqual(t.tag);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one kit costs a length byte, its id and 8 bytes: 53 bytes less than a signature for kit 2107', () => {
    const g1 = receiptTagFrames()[0]!.frame;
    expect(decodeFrame(g1).trailer.length).toBe(11);
    expect(relayTagsTrailerBytes([2107])).toBe(64 - 53);
  });

  it('refuses kits out of order, a kit twice, an entry cut short and no entry', () => {
    const g2 = receiptTagFrames()[1]!.frame;
    const d = decodeFrame(g2);
    const start = g2.length - d.trailer.length;
    // Swap the two entries (2107, 2108: each 2 + 8 bytes).
    const swapped = Uint8Array.from([
      ...g2.subarray(0, start),
      ...g2.subarray(start + 10, start + 20),
      ...g2.subarray(start, start + 10),
      20,
    ]);
    expect(kitErrorCode(() => decodeFrame(swapped))).toBe('WIRE_MALFORMED');
    const twice = Uint8Array.from([...g2.subarray(0, start + 10), ...g2.subarray(start, start + 10), 20]);
    expect(kitErrorCode(() => decodeFrame(twice))).toBe('WIRE_MALFORMED');
    const short = Uint8Array.from([...g2.subarray(0, start + 15), 15]);
    expect(kitErrorCode(() => decodeFrame(short))).toBe('WIRE_MALFORMED');
    expect(kitErrorCode(() => decodeRelayTags(Uint8Array.from([...g2.subarray(0, start), 0]), start))).toBe(
      'WIRE_MALFORMED',
    );
    // A length byte that points before the envelope's end.
    const long = Uint8Array.from([...g2.subarray(0, start), 0xff]);
    expect(kitErrorCode(() => decodeFrame(long))).toBe('WIRE_TRUNCATED');
  });

  it('the encoder refuses no kit, more than 16 and a kit twice', () => {
    const tag = () => new Uint8Array(8);
    const a = new Uint8Array(4);
    expect(kitErrorCode(() => encodeRelayTags(a, [], tag))).toBe('WIRE_ENCODE_INVALID');
    expect(kitErrorCode(() => encodeRelayTags(a, [2107, 2107], tag))).toBe('WIRE_ENCODE_INVALID');
    expect(
      kitErrorCode(() =>
        encodeRelayTags(
          a,
          Array.from({ length: 17 }, (_, i) => i),
          tag,
        ),
      ),
    ).toBe('WIRE_ENCODE_INVALID');
  });

  it('random bytes after a relay-tag envelope, and mutated relay-tagged frames, throw only KitError', () => {
    const head = receiptTagFrames()[0]!.frame.subarray(0, 14);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (rest) =>
        onlyKitErrors(() => decodeFrame(Uint8Array.from([...head, ...rest]))),
      ),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(mutatedBytes(fc.constantFrom(...receiptTagFrames().map((f) => f.frame))), (b) =>
        onlyKitErrors(() => decodeFrame(b)),
      ),
      { numRuns: 20_000 },
    );
  });
});

/**
 * The rollcall kind (docs/wire-format.md §4.9; docs/shelters.md §On the wire): fields 8–9 appended
 * after `note`, a decoder of the first version still reading the head count, any roll-call body
 * round-tripping, and its decoder taking any bytes with nothing but a KitError (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageArb } from '../../../test/arbitraries.js';
import { mutatedBytes, onlyKitErrors } from '../../../test/kit-errors.js';
import { decodeItem, scanItem } from '../cbor.js';
import { S1, shelterFrames } from '../fixtures/shelter-messages.js';
import { decodeFrame, encodeMessage } from '../message.js';
import { decodeFields } from '../schema.js';
import { rollcallFields } from './rollcall.js';

const none = { scheme: 'none' } as const;

describe('rollcall', () => {
  it('is kind 7, the check-ins after the count, each [registration, movement, flags]', () => {
    const frame = encodeMessage(S1, none);
    expect(frame[1]).toBe(7);
    const hex = Buffer.from(frame).toString('hex');
    // present 37, person 1, arrived 41, then [[1203, in, elderly], [100002, out]].
    expect(hex.endsWith('1825f6f6f6f601f6182982831904b30001821a000186a201')).toBe(true);
  });

  it('reads back in a decoder of the first version, which skips fields 8 and 9', () => {
    const first = Object.fromEntries(Object.entries(rollcallFields).slice(0, 8));
    const frame = encodeMessage(S1, none);
    // The body starts after the 13-byte envelope of S1 (vector S1 in docs/wire-format.md).
    const items: unknown[] = [];
    for (let at = 13; at < frame.length; ) {
      const end = scanItem(frame, at, frame.length);
      items.push(decodeItem(frame, at, end));
      at = end;
    }
    expect(decodeFields(first, items, 'body', { createdAt: S1.createdAt })).toEqual({
      shelter: 1,
      present: 37,
      person: 1,
    });
  });

  it('round-trips any roll-call', () => {
    fc.assert(
      fc.property(messageArb('rollcall'), (m) => {
        expect(decodeFrame(encodeMessage(m, none)).message).toEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes mutated roll-calls with nothing but a KitError (20,000 cases)', () => {
    const valid = shelterFrames().map((f) => f.frame);
    fc.assert(
      fc.property(mutatedBytes(fc.constantFrom(...valid)), (b) => onlyKitErrors(() => decodeFrame(b))),
      { numRuns: 20_000 },
    );
  });
});

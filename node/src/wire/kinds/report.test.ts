/**
 * The report body's later fields (docs/wire-format.md §4.1): when the disaster began, when it
 * became stable, and the incident type, appended after the note so that every report made before
 * them keeps its bytes and an older node skips them.
 */
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../../test/kit-errors.js';
import { encodeItems } from '../cbor.js';
import { R1 } from '../fixtures/reference-messages.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../message.js';

const none = { scheme: 'none' } as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const BEGAN = 1_783_990_800; // 2026-07-14 03:00 Beijing time
const initial: MessageOf<'report'> = { ...R1, body: { ...R1.body, began: BEGAN } };

describe('report: began, stabilised, incidentType', () => {
  it('are fields 11, 12 and 13, after the note, and round-trip', () => {
    const body = { ...initial.body, note: 'x', stabilised: BEGAN + 7200, incidentType: 'workplace' as const };
    const frame = encodeMessage({ ...initial, body }, none);
    // The note, then the three: a time, a time, the enum's index (workplace = 1).
    expect(hex(frame).endsWith(hex(encodeItems(['x', BEGAN, BEGAN + 7200, 1])))).toBe(true);
    const decoded = (decodeFrame(frame).message as MessageOf<'report'>).body;
    expect([decoded.began, decoded.stabilised, decoded.incidentType]).toEqual([
      BEGAN,
      BEGAN + 7200,
      'workplace',
    ]);
  });

  it('leave a report that lacks them as it was: R1 ends where it ended', () => {
    const without = encodeMessage(R1, none);
    const withBegan = encodeMessage(initial, none);
    expect(withBegan.length).toBeGreaterThan(without.length);
    expect(hex(without)).not.toContain(hex(encodeItems([BEGAN])));
    expect((decodeFrame(without).message as MessageOf<'report'>).body.began).toBeUndefined();
  });

  it('refuse a situation stable before the disaster began, both ways', () => {
    const bad = { ...initial, body: { ...initial.body, stabilised: BEGAN - 60 } };
    expect(kitErrorCode(() => encodeMessage(bad, none))).toBe('WIRE_ENCODE_INVALID');
  });
});

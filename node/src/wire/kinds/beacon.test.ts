/**
 * Tests for the beacon body (docs/wire-format.md §4.6): the link address the sender signs.
 */
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../../test/kit-errors.js';
import { encodeItems } from '../cbor.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../message.js';

const none = { scheme: 'none' } as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const beacon: MessageOf<'beacon'> = {
  kind: 'beacon',
  origin: 3001,
  seq: 7,
  createdAt: 1_800_000_000,
  clockUntrusted: false,
  priority: 2,
  lifetimeMin: 10,
  dest: { to: 'all' },
  flags: [],
  body: { reaches: [{ to: 'centre', cost: 1 }], intervalS: 600, addr: '!a1b2c3d4' },
};

describe('beacon: addr', () => {
  it('is field 2, after the interval, as text', () => {
    const frame = encodeMessage(beacon, none);
    const items = hex(encodeItems([[[0, null, 1]], 600, '!a1b2c3d4']));
    expect(hex(frame).endsWith(items)).toBe(true);
    expect(decodeFrame(frame).message).toEqual(beacon);
  });

  it('is optional: a beacon without it ends at the interval', () => {
    const { addr: _addr, ...body } = beacon.body;
    const frame = encodeMessage({ ...beacon, body }, none);
    expect(hex(frame).endsWith(hex(encodeItems([[[0, null, 1]], 600])))).toBe(true);
    expect((decodeFrame(frame).message as MessageOf<'beacon'>).body.addr).toBeUndefined();
  });

  it('is at most 32 UTF-8 bytes, both ways', () => {
    const fits = 'x'.repeat(32);
    const over = 'x'.repeat(33);
    expect(kitErrorCode(() => encodeMessage({ ...beacon, body: { ...beacon.body, addr: fits } }, none))).toBe(
      undefined,
    );
    expect(kitErrorCode(() => encodeMessage({ ...beacon, body: { ...beacon.body, addr: over } }, none))).toBe(
      'WIRE_ENCODE_INVALID',
    );
    const head = encodeMessage({ ...beacon, body: { reaches: [] } }, none);
    // The body { reaches: [] } is the one byte 80 at the end.
    const forged = Buffer.concat([head.subarray(0, head.length - 1), encodeItems([[], null, over])]);
    expect(kitErrorCode(() => decodeFrame(forged))).toBe('WIRE_FIELD_INVALID');
    const wrongType = Buffer.concat([head.subarray(0, head.length - 1), encodeItems([[], null, 0xa1b2c3d4])]);
    expect(kitErrorCode(() => decodeFrame(wrongType))).toBe('WIRE_FIELD_INVALID');
  });
});

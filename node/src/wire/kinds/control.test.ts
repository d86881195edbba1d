/**
 * Tests for the control body (docs/wire-format.md §4.5): where the revocation and floor
 * fields sit on the wire, their bounds, and that a roster entry carries no PIN.
 */
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../../test/kit-errors.js';
import { type CborValue, encodeItems } from '../cbor.js';
import { C1 } from '../fixtures/security-messages.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../message.js';

const none = { scheme: 'none' } as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** C1's envelope with the given body items after it, unauthenticated. */
function withBody(items: readonly CborValue[]): Uint8Array {
  const head = encodeMessage({ ...C1, body: { issuer: 3 } }, none);
  // The body { issuer: 3 } is the one byte 03 at the end.
  return Buffer.concat([head.subarray(0, head.length - 1), encodeItems(items)]);
}

const VILLAGE = 430121101201;

describe('control: revokeNodes, seqFloors, issuerFloors', () => {
  it('are fields 6, 7 and 8, after settings, as arrays of ids and pairs', () => {
    const frame = encodeMessage(C1, none);
    const head = encodeMessage({ ...C1, body: { issuer: 3 } }, none);
    const body = hex(frame.subarray(head.length - 1));
    expect(body).toBe(
      [
        '03', // 0 issuer 3
        'f6f6f6f6f6', // 1–5 time, roster, issuerKeys, revokeIssuers, settings: absent
        '8119083e', // 6 revokeNodes [2110]
        '818219083b191000', // 7 seqFloors [[2107, 4096]]
        '8182031828', // 8 issuerFloors [[3, 40]]
      ].join(''),
    );
  });

  it('decode to what was encoded', () => {
    expect(decodeFrame(encodeMessage(C1, none)).message).toEqual(C1);
  });

  it('trailing absent fields cost nothing: a revocation alone ends at field 6', () => {
    const frame = encodeMessage({ ...C1, body: { issuer: 3, revokeNodes: [2110] } }, none);
    expect(hex(frame).endsWith('03f6f6f6f6f68119083e')).toBe(true);
  });

  it('are bounded: 64 nodes, 64 sequence floors, 16 issuer floors', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => 2000 + i);
    const encode = (body: MessageOf<'control'>['body']) => () => encodeMessage({ ...C1, body }, none);
    expect(kitErrorCode(encode({ issuer: 3, revokeNodes: ids(64) }))).toBeUndefined();
    expect(kitErrorCode(encode({ issuer: 3, revokeNodes: ids(65) }))).toBe('WIRE_ENCODE_INVALID');
    const seqFloors = (n: number) => ids(n).map((node) => ({ node, floor: 1 }));
    expect(kitErrorCode(encode({ issuer: 3, seqFloors: seqFloors(65) }))).toBe('WIRE_ENCODE_INVALID');
    const issuerFloors = (n: number) => ids(n).map((issuer) => ({ issuer, minSeq: 1 }));
    expect(kitErrorCode(encode({ issuer: 3, issuerFloors: issuerFloors(16) }))).toBeUndefined();
    expect(kitErrorCode(encode({ issuer: 3, issuerFloors: issuerFloors(17) }))).toBe('WIRE_ENCODE_INVALID');

    const absent = [null, null, null, null, null];
    const decode = (items: CborValue[]) => () => decodeFrame(withBody([3, ...absent, ...items]));
    expect(kitErrorCode(decode([ids(65)]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([null, ids(65).map((n) => [n, 1])]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([null, null, ids(17).map((n) => [n, 1])]))).toBe('WIRE_FIELD_INVALID');
    // An issuer id is 16 bits, a floor pair has both halves.
    expect(kitErrorCode(decode([null, null, [[0x1_0000, 1]]]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([null, [[2107]]]))).toBe('WIRE_FIELD_INVALID');
  });
});

describe('control: a roster entry carries no PIN', () => {
  const PIN = '4821';

  it('a PIN-like fourth element of an entry is not carried into the decoded body', () => {
    const frame = withBody([3, null, [VILLAGE, [[1, [4], '张三', PIN]]]]);
    const message = decodeFrame(frame).message as MessageOf<'control'>;
    const entry = message.body.roster?.persons[0];
    expect(entry).toEqual({ person: 1, roles: [4], name: '张三' });
    expect(Object.keys(entry ?? {})).toEqual(['person', 'roles', 'name']);
    expect(JSON.stringify(message)).not.toContain(PIN);
  });

  it('a pin property given to the encoder never reaches the wire', () => {
    const person = { person: 1, roles: [4], name: '张三', pin: PIN, pinHash: 'ab12' };
    const frame = encodeMessage(
      { ...C1, body: { issuer: 3, roster: { area: VILLAGE, persons: [person] } } },
      none,
    );
    expect(Buffer.from(frame).includes(Buffer.from(PIN))).toBe(false);
    expect(Buffer.from(frame).includes(Buffer.from('ab12'))).toBe(false);
    expect((decodeFrame(frame).message as MessageOf<'control'>).body.roster?.persons[0]).toEqual({
      person: 1,
      roles: [4],
      name: '张三',
    });
  });
});

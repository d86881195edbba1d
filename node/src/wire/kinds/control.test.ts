/**
 * Tests for the control body (docs/wire-format.md §4.5): where the revocation, floor and re-alarm
 * fields sit on the wire, their bounds, that a roster entry carries no PIN, and properties of the
 * re-alarm part: round trips of any valid one, and nothing but KitError from any bytes in its place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecArb } from '../../../test/arbitraries.js';
import { kitErrorCode, mutatedBytes, onlyKitErrors } from '../../../test/kit-errors.js';
import { type CborValue, encodeItems } from '../cbor.js';
import { C1, C2 } from '../fixtures/security-messages.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../message.js';
import { controlFields, MAX_REALARM_PERSONS } from './control.js';

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

describe('control: realarm', () => {
  const absent8 = [null, null, null, null, null, null, null, null];

  it('is field 9, after issuerFloors, as [[origin, seq], [persons…]]', () => {
    const frame = encodeMessage(C2, none);
    const head = encodeMessage({ ...C2, body: { issuer: 3 } }, none);
    expect(hex(frame.subarray(head.length - 1))).toBe(
      [
        '03', // 0 issuer 3
        'f6f6f6f6f6f6f6f6', // 1–8 absent
        '82', // 9 realarm, two items:
        '82011839', //   the warning [1, 57]
        '820407', //   persons [4, 7]
      ].join(''),
    );
    expect(decodeFrame(frame).message).toEqual(C2);
  });

  it('leaves the bytes of a control message without it as they were: C1 still ends at field 8', () => {
    expect(hex(encodeMessage(C1, none)).endsWith('8182031828')).toBe(true);
  });

  it('names at most 64 persons, each a 16-bit roster index, and a warning with both halves', () => {
    const persons = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const encode = (realarm: unknown) => () =>
      encodeMessage({ ...C2, body: { issuer: 3, realarm } } as MessageOf<'control'>, none);
    const warning = { origin: 1, seq: 57 };
    expect(MAX_REALARM_PERSONS).toBe(64);
    expect(kitErrorCode(encode({ warning, persons: persons(64) }))).toBeUndefined();
    expect(kitErrorCode(encode({ warning, persons: persons(65) }))).toBe('WIRE_ENCODE_INVALID');
    expect(kitErrorCode(encode({ warning, persons: [0x1_0000] }))).toBe('WIRE_ENCODE_INVALID');
    expect(kitErrorCode(encode({ warning: { origin: 1 }, persons: [4] }))).toBe('WIRE_ENCODE_INVALID');
    expect(kitErrorCode(encode({ warning }))).toBe('WIRE_ENCODE_INVALID');

    const decode = (item: CborValue) => () => decodeFrame(withBody([3, ...absent8, item]));
    expect(kitErrorCode(decode([[1, 57], persons(64)]))).toBeUndefined();
    expect(kitErrorCode(decode([[1, 57], persons(65)]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([[1, 57], [0x1_0000]]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([[1], [4]]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([[1, 57]]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode([[1, -57], [4]]))).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(decode('1/57'))).toBe('WIRE_FIELD_INVALID');
  });

  it('a realarm alone, and one beside other parts, decode to what was encoded (2,000 cases)', () => {
    const realarmArb = codecArb(controlFields.realarm.codec, C2.createdAt) as fc.Arbitrary<
      NonNullable<MessageOf<'control'>['body']['realarm']>
    >;
    fc.assert(
      fc.property(realarmArb, fc.boolean(), (realarm, withOthers) => {
        const body = withOthers ? { ...C1.body, time: C2.createdAt, realarm } : { issuer: 3, realarm };
        const message = { ...C2, body };
        const frame = encodeMessage(message, none);
        expect(decodeFrame(frame).message).toEqual(message);
        expect(encodeMessage(decodeFrame(frame).message as MessageOf<'control'>, none)).toEqual(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('any CBOR value in its place decodes to a valid realarm or throws nothing but KitError (10,000 cases)', () => {
    const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
        fc.constant(null),
        fc.boolean(),
        fc.string({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.array(tie('v'), { maxLength: 70 }),
      ),
    })).v;
    // Shaped like a realarm, with values in and out of range, so many cases get past the shape.
    const int = fc.oneof(fc.integer({ min: 0, max: 0x1_0001 }), fc.integer({ min: -3, max: 2 ** 33 }));
    const shaped: fc.Arbitrary<CborValue> = fc.tuple(
      fc.oneof(fc.tuple(int, int), fc.array(int, { maxLength: 3 })),
      fc.array(int, { maxLength: 66 }),
    );
    fc.assert(
      fc.property(fc.oneof(cborValue, shaped), (item) => {
        let message: MessageOf<'control'> | undefined;
        const ok = onlyKitErrors(() => {
          message = decodeFrame(withBody([3, ...absent8, item])).message as MessageOf<'control'>;
        });
        const realarm = message?.body.realarm;
        if (realarm !== undefined) {
          expect(Number.isInteger(realarm.warning.origin) && Number.isInteger(realarm.warning.seq)).toBe(
            true,
          );
          expect(realarm.persons.length).toBeLessThanOrEqual(MAX_REALARM_PERSONS);
          for (const p of realarm.persons) expect(p >= 0 && p <= 0xffff && Number.isInteger(p)).toBe(true);
        }
        return ok;
      }),
      { numRuns: 10_000 },
    );
  });

  it('mutated C2 frames throw nothing but KitError (10,000 cases)', () => {
    fc.assert(
      fc.property(mutatedBytes(fc.constant(encodeMessage(C2, none))), (b) =>
        onlyKitErrors(() => decodeFrame(b)),
      ),
      { numRuns: 10_000 },
    );
  });
});

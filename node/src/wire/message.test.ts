import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageArb } from '../../test/arbitraries.js';
import { kitErrorCode } from '../../test/kit-errors.js';
import { encodeFixture } from '../../test/reference-keys.js';
import { encodeItems } from './cbor.js';
import { R1, R2, R3, REFERENCE_MESSAGES } from './fixtures/reference-messages.js';
import { KIND_NAMES } from './kinds.js';
import { decodeFrame, encodeMessage } from './message.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const none = { scheme: 'none' } as const;

describe('message codec round trip (every kind)', () => {
  for (const kind of KIND_NAMES) {
    it(`${kind}: decode(encode(m)) is m, and encoding is deterministic`, () => {
      fc.assert(
        fc.property(messageArb(kind), (message) => {
          const frame = encodeMessage(message, none);
          const decoded = decodeFrame(frame);
          expect(decoded.message).toEqual(message);
          expect(decoded.unknownFields).toBe(0);
          // Same message, same bytes: what is authenticated has one spelling.
          expect(hex(encodeMessage(decoded.message as typeof message, none))).toBe(hex(frame));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('reference messages on the wire, envelope and authentication included', () => {
  const sizes = Object.fromEntries(
    REFERENCE_MESSAGES.map(({ id, message }) => [id, encodeFixture(message).length]),
  );

  it('R1 (初报) fits one RockBLOCK credit: at most 50 bytes', () => {
    expect(sizes.R1).toBeLessThanOrEqual(50);
  });
  it('R2 (red warning) with its Ed25519 signature is at most 200 bytes', () => {
    expect(sizes.R2).toBeLessThanOrEqual(200);
    expect(encodeFixture(R2)[0]! & 0x30).toBe(0x20); // signed
  });
  it('R3 (叫应 answer) is at most 40 bytes', () => {
    expect(sizes.R3).toBeLessThanOrEqual(40);
  });
  it('every reference message fits one LoRa frame (200 bytes)', () => {
    for (const size of Object.values(sizes)) expect(size).toBeLessThanOrEqual(200);
  });
  it('JSON of R1 is at least five times its wire size', () => {
    expect(JSON.stringify(R1).length).toBeGreaterThanOrEqual(5 * (sizes.R1 as number));
  });
  it('R1 and R3 decode to what was sent', () => {
    expect(decodeFrame(encodeFixture(R3)).message).toEqual(R3);
    const r1 = decodeFrame(encodeFixture(R1)).message;
    expect(r1?.kind === 'report' && r1.body.indicators).toEqual(R1.body.indicators);
  });
});

describe('versioning: unknown kinds and fields are skipped, never fatal', () => {
  it('a body item past the known fields is skipped and counted', () => {
    const frame = encodeMessage(R3, none);
    // R3 uses 4 of the 7 ack fields: fill the other three with null, then add an eighth.
    const extended = Buffer.concat([frame, encodeItems([null, null, null, [7, 'later field']])]);
    const decoded = decodeFrame(extended);
    expect(decoded.message).toEqual(R3);
    expect(decoded.unknownFields).toBe(1);
  });

  it('an unknown kind keeps its envelope, so relays can still route it', () => {
    const frame = Uint8Array.from(encodeMessage(R3, none));
    frame[1] = 200; // a kind from a later version
    const decoded = decodeFrame(frame);
    expect(decoded.message).toBeUndefined();
    expect(decoded.envelope).toMatchObject({ kindCode: 200, origin: R3.origin, seq: R3.seq });
  });

  it('unknown envelope flag bits are ignored', () => {
    const frame = encodeMessage({ ...R3, flags: ['exercise'] }, none);
    const bytes = Array.from(frame);
    bytes[2] = 0x41; // flags varint: exercise plus an unknown bit 6
    expect(decodeFrame(Uint8Array.from(bytes)).envelope.flags).toEqual(['exercise']);
  });

  it('a later message format is refused with its own code', () => {
    const frame = Uint8Array.from(encodeMessage(R3, none));
    frame[0] = (frame[0]! & 0x3f) | 0x80;
    expect(kitErrorCode(() => decodeFrame(frame))).toBe('WIRE_UNSUPPORTED_VERSION');
  });
});

describe('decoding untrusted bytes', () => {
  const frame = encodeMessage(R1, none);

  it('rejects truncation inside the envelope and inside a body item', () => {
    // The envelope of R1 is 13 bytes; the point (a 6-byte string) is the last 7.
    for (let n = 0; n < 13; n++)
      expect(kitErrorCode(() => decodeFrame(frame.subarray(0, n)))).toBe('WIRE_TRUNCATED');
    for (let n = frame.length - 6; n < frame.length; n++) {
      expect(kitErrorCode(() => decodeFrame(frame.subarray(0, n)))).toBe('WIRE_TRUNCATED');
    }
    // Cut between items, an unauthenticated frame is a shorter valid message; a tag catches that
    // (crypto/authenticate.test.ts).
  });

  it('rejects trailing garbage', () => {
    expect(kitErrorCode(() => decodeFrame(Buffer.concat([frame, Buffer.from([0xff])])))).toBe(
      'WIRE_MALFORMED',
    );
    expect(kitErrorCode(() => decodeFrame(Buffer.concat([frame, Buffer.from([0x19, 0x01])])))).toBe(
      'WIRE_TRUNCATED',
    );
  });

  it('rejects a non-canonical CBOR integer', () => {
    // R3 body starts with the warning ref [1, 57]; spell 57 (0x18 0x39) as 0x19 0x00 0x39.
    const bytes = Buffer.from(hex(encodeMessage(R3, none)).replace('82011839', '8201190039'), 'hex');
    expect(kitErrorCode(() => decodeFrame(bytes))).toBe('WIRE_MALFORMED');
  });

  it('rejects a non-canonical varint in the envelope', () => {
    const bytes = Array.from(encodeMessage(R3, none));
    // origin 2107 is bb 10; a redundant zero continuation makes it bb 90 00.
    bytes.splice(2, 2, 0xbb, 0x90, 0x00);
    expect(kitErrorCode(() => decodeFrame(Uint8Array.from(bytes)))).toBe('WIRE_MALFORMED');
  });

  it('rejects a field out of range with WIRE_FIELD_INVALID', () => {
    const bytes = Buffer.from(
      hex(encodeMessage(R3, none)).replace('82011839' + '02', '82011839' + '09'),
      'hex',
    );
    expect(kitErrorCode(() => decodeFrame(bytes))).toBe('WIRE_FIELD_INVALID');
  });

  it('refuses a container length before allocating for it', () => {
    // An array that claims 2^32 − 1 items in a 30-byte frame.
    const head = Array.from(encodeMessage(R3, none)).slice(0, 13);
    const bytes = Uint8Array.from([...head, 0x9a, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(kitErrorCode(() => decodeFrame(bytes))).toBe('WIRE_TRUNCATED');
  });
});

/**
 * The health kind (docs/wire-format.md §4.7): its fields in order, what is optional, the code tables
 * that let a later version's codes travel, the interval's lower bound, and that its decoder takes
 * any bytes with nothing but a KitError (fast-check, docs/conventions.md §The durable queue).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode, mutatedBytes, onlyKitErrors } from '../../../test/kit-errors.js';
import { encodeItems } from '../cbor.js';
import { K1, kitHealthFrames } from '../fixtures/kit-health-messages.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../message.js';
import {
  CLOCK_SOURCE_CODES,
  codeName,
  type HealthBody,
  LINK_KIND_CODES,
  LINK_STATE_CODES,
} from './health.js';

const none = { scheme: 'none' } as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const withBody = (body: HealthBody): MessageOf<'health'> => ({ ...K1, body });

describe('health', () => {
  it('is kind 13, its fields in the order of §4.7', () => {
    const frame = encodeMessage(K1, none);
    expect(frame[1]).toBe(13);
    const items = encodeItems([
      900,
      3,
      64,
      1240,
      false,
      410,
      5,
      true,
      [
        [0, 0],
        [1, 9],
      ],
      3,
      1440,
    ]);
    expect(hex(frame).endsWith(hex(items))).toBe(true);
    expect(decodeFrame(frame).message).toEqual(K1);
  });

  it('leaves out what a kit does not measure: no battery, no links, nothing queued', () => {
    const body: HealthBody = { intervalS: 900, power: 'mains', clock: 1, clockTrusted: true };
    const frame = encodeMessage(withBody(body), none);
    // Only the required fields, the absent ones between them as null.
    expect(hex(frame).endsWith(hex(encodeItems([900, 1, null, null, null, null, 1, true])))).toBe(true);
    expect((decodeFrame(frame).message as MessageOf<'health'>).body).toEqual(body);
  });

  it('keeps a clock source, link kind or link state a later version added, as its number', () => {
    const body: HealthBody = { ...K1.body, clock: 9, links: [{ kind: 7, state: 12 }] };
    const decoded = decodeFrame(encodeMessage(withBody(body), none)).message as MessageOf<'health'>;
    expect(decoded.body.clock).toBe(9);
    expect(decoded.body.links).toEqual([{ kind: 7, state: 12 }]);
    expect(codeName(CLOCK_SOURCE_CODES, 9)).toBe('code 9');
    expect(codeName(LINK_KIND_CODES, 1)).toBe('iridium-sbd');
    expect(codeName(LINK_STATE_CODES, 9)).toBe('no-service');
  });

  it('refuses an interval of 0, and a voltage with more than two decimals', () => {
    expect(kitErrorCode(() => encodeMessage(withBody({ ...K1.body, intervalS: 0 }), none))).toBe(
      'WIRE_ENCODE_INVALID',
    );
    expect(kitErrorCode(() => encodeMessage(withBody({ ...K1.body, batteryVolts: 12.345 }), none))).toBe(
      'WIRE_ENCODE_INVALID',
    );
    const head = encodeMessage(
      withBody({ intervalS: 1, power: 'mains', clock: 0, clockTrusted: false }),
      none,
    );
    const body = encodeItems([1, 1, null, null, null, null, 0, false]);
    const zero = Buffer.concat([
      head.subarray(0, head.length - body.length),
      encodeItems([0, 1, null, null, null, null, 0, false]),
    ]);
    expect(kitErrorCode(() => decodeFrame(zero))).toBe('WIRE_FIELD_INVALID');
  });

  it('round-trips any body it can encode (1,000 cases)', () => {
    const bodyArb: fc.Arbitrary<HealthBody> = fc.record(
      {
        intervalS: fc.integer({ min: 1, max: 86_400 }),
        power: fc.constantFrom('unknown', 'mains', 'solar', 'battery'),
        batteryPct: fc.integer({ min: 0, max: 100 }),
        batteryVolts: fc.integer({ min: 0, max: 10_000 }).map((c) => c / 100),
        charging: fc.boolean(),
        minutesLeft: fc.integer({ min: 0, max: 0xffff }),
        clock: fc.integer({ min: 0, max: 63 }),
        clockTrusted: fc.boolean(),
        links: fc.array(
          fc.record({ kind: fc.integer({ min: 0, max: 63 }), state: fc.integer({ min: 0, max: 63 }) }),
          { maxLength: 16 },
        ),
        queued: fc.integer({ min: 0, max: 0xffff_ffff }),
        upMin: fc.integer({ min: 0, max: 0xffff_ffff }),
      },
      { requiredKeys: ['intervalS', 'power', 'clock', 'clockTrusted'] },
    );
    fc.assert(
      fc.property(bodyArb, (body) => {
        const decoded = decodeFrame(encodeMessage(withBody(body), none)).message as MessageOf<'health'>;
        expect(decoded.body).toEqual(body);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes mutated health frames with nothing but a KitError (20,000 cases)', () => {
    const frames = [...kitHealthFrames().map((f) => f.frame), encodeMessage(K1, none)];
    fc.assert(
      fc.property(mutatedBytes(fc.constantFrom(...frames)), (bytes) =>
        onlyKitErrors(() => decodeFrame(bytes)),
      ),
      { numRuns: 20_000 },
    );
  });
});

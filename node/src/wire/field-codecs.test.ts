import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../test/kit-errors.js';
import { eventCodeFromWire, eventCodeToWire } from './codes/event-codes.js';
import { areaCode, geoPoint, indicatorSet } from './field-codecs.js';
import { normaliseRanges, rangesFromIds, seqRanges } from './kinds/receipt.js';
import { encodeVarint } from './varint.js';

const ctx = { createdAt: 0 };

describe('points', () => {
  it('any WGS-84 point comes back within one grid step (1.2 m of latitude, 2.4 m of longitude) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true, maxExcluded: true }),
        (lat, lon) => {
          const back = geoPoint.decode(geoPoint.encode({ lat, lon }, 'p', ctx), 'p', ctx);
          // Half a step from rounding, a full step at the pole (the grid stops one short of 90),
          // and 5e-7 from the 6-decimal rendering.
          expect(Math.abs(back.lat - lat)).toBeLessThanOrEqual(180 / 2 ** 24 + 1e-6);
          const dLon = Math.abs(back.lon - lon);
          expect(Math.min(dLon, 360 - dLon)).toBeLessThanOrEqual(360 / 2 ** 25 + 1e-6);
        },
      ),
    );
  });

  it('refuses points off the globe', () => {
    expect(kitErrorCode(() => geoPoint.encode({ lat: 91, lon: 0 }, 'p', ctx))).toBe('WIRE_ENCODE_INVALID');
    expect(kitErrorCode(() => geoPoint.decode(Uint8Array.of(0xff, 0xff, 0xff, 0, 0), 'p', ctx))).toBe(
      'WIRE_FIELD_INVALID',
    );
  });
});

describe('area codes', () => {
  it('accepts 6, 9 and 12 digits only', () => {
    for (const ok of [430121, 430121101, 430121101201]) expect(areaCode.decode(ok, 'a', ctx)).toBe(ok);
    for (const bad of [43012, 4301211, 43012110120, 4301211012011, -430121]) {
      expect(kitErrorCode(() => areaCode.decode(bad, 'a', ctx))).toBe('WIRE_FIELD_INVALID');
    }
  });
});

describe('event codes', () => {
  it('11B03 is 28703 on the wire and back; every code round-trips (property)', () => {
    expect(eventCodeToWire('11B03')).toBe(28703);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{2}[A-Z]\d{2}$/), (code) => {
        expect(eventCodeFromWire(eventCodeToWire(code))).toBe(code);
      }),
    );
  });
});

describe('indicator sets', () => {
  it('skips indicators of a later version, keeping the ones it knows', () => {
    // Mask: bit 0 (affected) and bit 45 (unknown here); values 1250 and 7.
    const mask = 2 ** 45 + 1;
    const raw = Uint8Array.from([...encodeVarint(mask), ...encodeVarint(1250), ...encodeVarint(7)]);
    expect(indicatorSet.decode(raw, 'i', ctx)).toEqual({ affected: 1250 });
  });

  it('keeps one decimal for areas and lengths, and refuses more precision or negatives', () => {
    const raw = indicatorSet.encode({ cropsAffectedHa: 12.5, affected: 3 }, 'i', ctx);
    expect(indicatorSet.decode(raw, 'i', ctx)).toEqual({ affected: 3, cropsAffectedHa: 12.5 });
    expect(kitErrorCode(() => indicatorSet.encode({ cropsAffectedHa: 12.55 }, 'i', ctx))).toBe(
      'WIRE_ENCODE_INVALID',
    );
    expect(kitErrorCode(() => indicatorSet.encode({ dead: -1 }, 'i', ctx))).toBe('WIRE_ENCODE_INVALID');
    expect(kitErrorCode(() => indicatorSet.encode({ deaths: 1 } as never, 'i', ctx))).toBe(
      'WIRE_ENCODE_INVALID',
    );
  });

  it('refuses a missing value and trailing bytes', () => {
    expect(kitErrorCode(() => indicatorSet.decode(Uint8Array.of(0x03, 0x05), 'i', ctx))).toBe(
      'WIRE_FIELD_INVALID',
    );
    expect(kitErrorCode(() => indicatorSet.decode(Uint8Array.of(0x01, 0x05, 0x00), 'i', ctx))).toBe(
      'WIRE_TRAILING',
    );
  });
});

describe('receipt ranges', () => {
  it('merges overlapping and touching ranges and sorts them', () => {
    expect(
      normaliseRanges([
        { origin: 9, from: 5, to: 6 },
        { origin: 2, from: 3, to: 4 },
        { origin: 2, from: 1, to: 2 },
        { origin: 2, from: 10, to: 10 },
        { origin: 9, from: 6, to: 8 },
      ]),
    ).toEqual([
      { origin: 2, from: 1, to: 4 },
      { origin: 2, from: 10, to: 10 },
      { origin: 9, from: 5, to: 8 },
    ]);
  });

  it('covers exactly the ids given, in any order (property)', () => {
    const idArb = fc.record({ origin: fc.integer({ min: 0, max: 5 }), seq: fc.integer({ min: 0, max: 60 }) });
    fc.assert(
      fc.property(fc.array(idArb, { minLength: 1, maxLength: 40 }), (ids) => {
        const ranges = seqRanges.decode(seqRanges.encode(rangesFromIds(ids), 'r', ctx), 'r', ctx);
        const covered = new Set(
          ranges.flatMap((r) =>
            Array.from({ length: r.to - r.from + 1 }, (_, k) => `${r.origin}/${r.from + k}`),
          ),
        );
        expect(covered).toEqual(new Set(ids.map((i) => `${i.origin}/${i.seq}`)));
      }),
    );
  });

  it('gives every origin after the first as the step from the one before, less one', () => {
    const ranges = [
      { origin: 2101, from: 3, to: 3 },
      { origin: 2102, from: 1, to: 5 },
      { origin: 2110, from: 7, to: 7 },
    ];
    const wire = seqRanges.encode(ranges, 'r', ctx);
    expect(wire).toEqual([
      [2101, 3, 0],
      [0, 1, 4],
      [7, 7, 0],
    ]);
    expect(seqRanges.decode(wire, 'r', ctx)).toEqual(ranges);
  });

  it('refuses origins and ranges past u32', () => {
    expect(
      kitErrorCode(() =>
        seqRanges.decode(
          [
            [2 ** 32 - 1, 1, 0],
            [0, 1, 0],
          ],
          'r',
          ctx,
        ),
      ),
    ).toBe('WIRE_FIELD_INVALID');
    expect(kitErrorCode(() => seqRanges.decode([[5, 2 ** 32 - 1, 1]], 'r', ctx))).toBe('WIRE_FIELD_INVALID');
  });
});

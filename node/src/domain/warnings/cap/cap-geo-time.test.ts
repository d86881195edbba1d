/**
 * CAP's times and shapes (docs/cap.md §3.2 Times, §4 Areas): the forms written, the forms refused, and
 * the circle that must hold every shape it replaces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distanceM,
  enclosingCircle,
  formatCircle,
  parseCircle,
  parsePoint,
  parsePolygon,
} from './cap-geo.js';
import { formatCapTime, parseCapTime } from './cap-time.js';
import { REFERENCE_TIME } from './test/warnings.js';

describe('CAP times', () => {
  it('are written on the county clock with an offset and whole seconds', () => {
    expect(formatCapTime(REFERENCE_TIME)).toBe('2026-07-14T03:20:00+08:00');
    expect(formatCapTime(REFERENCE_TIME + 0.9)).toBe('2026-07-14T03:20:00+08:00');
    expect(formatCapTime(REFERENCE_TIME, 'America/Los_Angeles')).toBe('2026-07-13T12:20:00-07:00');
    expect(formatCapTime(REFERENCE_TIME, 'UTC')).toBe('2026-07-13T19:20:00-00:00');
  });

  it('are read with whatever offset they carry', () => {
    for (const text of [
      '2026-07-14T03:20:00+08:00',
      '2026-07-13T19:20:00-00:00',
      '2026-07-13T14:20:00-05:00',
      ' 2026-07-13T19:20:00+00:00\n',
    ])
      expect(parseCapTime(text)).toEqual({ ok: true, unix: REFERENCE_TIME });
    expect(parseCapTime('2026-07-13T24:00:00+00:00')).toEqual({
      ok: true,
      unix: Date.UTC(2026, 6, 14) / 1000,
    });
  });

  it('refuse what the schema or xs:dateTime refuses, saying why', () => {
    const why = (text: string) => {
      const t = parseCapTime(text);
      return t.ok ? 'ok' : t.problem;
    };
    expect(why('2026-07-14T03:20:00Z')).toMatch(/ends in Z/);
    expect(why('2026-07-14T03:20:00.5+08:00')).toMatch(/fractional seconds/);
    expect(why('2026-07-14 03:20:00+08:00')).toMatch(/space between date and time/);
    expect(why('2026-07-14T03:20:00')).toMatch(/no offset/);
    expect(why('2026-02-29T03:20:00+08:00')).toMatch(/day 29 is not in month 02/);
    expect(why('2028-02-29T03:20:00+08:00')).toBe('ok');
    expect(why('2026-13-01T03:20:00+08:00')).toMatch(/month 13/);
    expect(why('2026-07-14T24:00:01+08:00')).toMatch(/hour 24/);
    expect(why('2026-07-14T03:60:00+08:00')).toMatch(/minutes and seconds/);
    expect(why('2026-07-14T03:20:00+14:30')).toMatch(/beyond ±14:00/);
    expect(why('0000-07-14T03:20:00+08:00')).toMatch(/year 0000/);
  });

  it('round-trip through the county clock for any second', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.constantFrom('Asia/Shanghai', 'UTC', 'America/St_Johns'),
        (t, zone) => {
          expect(parseCapTime(formatCapTime(t, zone))).toEqual({ ok: true, unix: t });
        },
      ),
    );
  });
});

describe('CAP shapes', () => {
  it('read points latitude first, within WGS-84', () => {
    expect(parsePoint('28.2282,112.9388')).toEqual({ ok: true, value: { lat: 28.2282, lon: 112.9388 } });
    expect(parsePoint('-90,-180').ok).toBe(true);
    for (const bad of ['28.2', '28.2 112.9', '1e1,2', '91,0', '0,181', 'a,b', '1,2,3'])
      expect(parsePoint(bad).ok).toBe(false);
  });

  it('read a circle’s radius in km as whole metres, rounded up', () => {
    const r = (text: string) => {
      const c = parseCircle(`28,113 ${text}`);
      return c.ok ? c.value.radiusM : c.problem;
    };
    expect([r('5'), r('5.0'), r('5.001'), r('5.0005'), r('0'), r('.5'), r('+2')]).toEqual([
      5000, 5000, 5001, 5001, 0, 500, 2000,
    ]);
    expect(r('5 km')).toMatch(/not a circle/);
  });

  it('write a circle that reads back the same', () => {
    expect(formatCircle({ centre: { lat: 28.1, lon: -0.000001 }, radiusM: 5500 })).toBe('28.1,-0.000001 5.5');
    expect(formatCircle({ centre: { lat: -0, lon: 0 }, radiusM: 0 })).toBe('0,0 0');
    expect(parseCircle('28.1,-0.000001 5.5')).toEqual({
      ok: true,
      value: { centre: { lat: 28.1, lon: -0.000001 }, radiusM: 5500 },
    });
  });

  it('read polygons of four or more points that close', () => {
    const p = parsePolygon(' 1,1 1,2\n2,2  1,1 ');
    expect(p.ok && p.value.length).toBe(4);
    expect(parsePolygon('1,1 1,2 2,2 1,1.0').ok).toBe(true);
  });

  it('enclose every shape in the one circle that replaces them', () => {
    const china = fc.record({
      centre: fc.record({
        lat: fc.double({ min: 18, max: 53, noNaN: true }),
        lon: fc.double({ min: 73, max: 135, noNaN: true }),
      }),
      radiusM: fc.integer({ min: 0, max: 50_000 }),
    });
    fc.assert(
      fc.property(fc.array(china, { minLength: 1, maxLength: 12 }), (circles) => {
        const all = enclosingCircle(circles);
        for (const c of circles)
          expect(distanceM(all.centre, c.centre) + c.radiusM).toBeLessThanOrEqual(all.radiusM);
      }),
    );
  });
});

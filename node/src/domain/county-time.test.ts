import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectKitError, onlyKitErrors } from '../../test/kit-errors.js';
import { CountyTime, countyTime, isTimeZone } from './county-time.js';

const H = 3_600_000;
const shanghai = new CountyTime();
const london = new CountyTime('Europe/London');
/** 2026-07-14 03:20 in China: the night of the reference 初报 (docs/wire-format.md §9). */
const R1_TIME = Date.UTC(2026, 6, 13, 19, 20);
const NINE = { hour: 9, minute: 0 };

describe('formatting on the county clock', () => {
  it('writes ISO with the offset and whole seconds, the short zh-CN form and the date', () => {
    expect(shanghai.formatIso(R1_TIME + 999)).toBe('2026-07-14T03:20:00+08:00');
    expect(shanghai.formatLocal(R1_TIME)).toBe('2026-07-14 03:20:00');
    expect(shanghai.formatShort(R1_TIME)).toBe('7月14日 03:20');
    expect(shanghai.localDate(R1_TIME)).toBe('2026-07-14');
  });

  it('gives London +00:00 in winter and +01:00 in summer, never Z', () => {
    expect(london.formatIso(Date.UTC(2026, 0, 15, 12))).toBe('2026-01-15T12:00:00+00:00');
    expect(london.formatIso(Date.UTC(2026, 6, 15, 12))).toBe('2026-07-15T13:00:00+01:00');
  });

  it('writes zones with half-hour and negative offsets', () => {
    expect(new CountyTime('Asia/Kathmandu').formatIso(Date.UTC(2026, 0, 1))).toBe(
      '2026-01-01T05:45:00+05:45',
    );
    expect(new CountyTime('America/St_Johns').formatIso(Date.UTC(2026, 0, 1))).toBe(
      '2025-12-31T20:30:00-03:30',
    );
  });

  it('agrees with UTC+8 arithmetic in Asia/Shanghai (no DST since 1991)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const plus8 = new Date(Math.floor(t / 1000) * 1000 + 8 * H).toISOString().slice(0, 19);
        expect(shanghai.formatIso(t)).toBe(`${plus8}+08:00`);
      }),
    );
  });
});

describe('the next 09:00', () => {
  it('is later the same day before 09:00, and the next day from 09:00 on', () => {
    expect(shanghai.nextLocalTime(R1_TIME, NINE)).toBe(Date.UTC(2026, 6, 14, 1));
    expect(shanghai.nextLocalTime(Date.UTC(2026, 6, 14, 1), NINE)).toBe(Date.UTC(2026, 6, 15, 1));
    expect(shanghai.nextLocalTime(Date.UTC(2026, 6, 14, 0, 59, 59, 999), NINE)).toBe(
      Date.UTC(2026, 6, 14, 1),
    );
  });

  it('counts calendar days across a DST change, not 24 h (London, March and October 2026)', () => {
    // Saturday noon to Sunday 09:00: 20 h when the clocks go forward, 22 h when they go back.
    expect(london.formatIso(london.nextLocalTime(Date.UTC(2026, 2, 28, 12), NINE))).toBe(
      '2026-03-29T09:00:00+01:00',
    );
    expect(london.nextLocalTime(Date.UTC(2026, 2, 28, 12), NINE)).toBe(Date.UTC(2026, 2, 29, 8));
    expect(london.nextLocalTime(Date.UTC(2026, 9, 24, 12), NINE)).toBe(Date.UTC(2026, 9, 25, 9));
  });
});

describe('days', () => {
  it('start at local midnight and end at the next one, 23 or 25 h apart on DST days', () => {
    const spring = Date.UTC(2026, 2, 29, 12);
    expect(london.formatIso(london.startOfDay(spring))).toBe('2026-03-29T00:00:00+00:00');
    expect(london.formatIso(london.endOfDay(spring))).toBe('2026-03-30T00:00:00+01:00');
    expect(london.endOfDay(spring) - london.startOfDay(spring)).toBe(23 * H);
    const autumn = Date.UTC(2026, 9, 25, 12);
    expect(london.endOfDay(autumn) - london.startOfDay(autumn)).toBe(25 * H);
    expect(shanghai.formatIso(shanghai.endOfDay(R1_TIME))).toBe('2026-07-15T00:00:00+08:00');
  });

  it('start after the gap where the clock skips midnight (America/Havana, 8 March 2026)', () => {
    const havana = new CountyTime('America/Havana');
    expect(havana.formatIso(havana.startOfDay(Date.UTC(2026, 2, 8, 18)))).toBe('2026-03-08T01:00:00-04:00');
  });

  it('numbers civil days so that the day after is the next date', () => {
    const day = london.dayOf(Date.UTC(2026, 2, 28, 23, 30));
    expect(london.dateOfDay(day)).toBe('2026-03-28');
    expect(london.dateOfDay(day + 1)).toBe('2026-03-29');
    expect(shanghai.dateOfDay(shanghai.dayOf(R1_TIME))).toBe('2026-07-14');
  });
});

describe('wall-clock readings to instants', () => {
  it('moves a reading in the spring gap forward and takes the first of a repeated one', () => {
    const gap = london.toInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 30, second: 0 });
    expect(london.formatIso(gap)).toBe('2026-03-29T02:30:00+01:00');
    const fold = london.toInstant({ year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0 });
    expect(london.formatIso(fold)).toBe('2026-10-25T01:30:00+01:00');
  });
});

describe('parse', () => {
  it('reads a local date-time on the county clock, with or without seconds, T or space', () => {
    expect(shanghai.parse('2026-07-14 09:00')).toBe(Date.UTC(2026, 6, 14, 1));
    expect(shanghai.parse('2026-07-14T09:00:30')).toBe(Date.UTC(2026, 6, 14, 1, 0, 30));
    expect(shanghai.parse('2026-07-14')).toBe(Date.UTC(2026, 6, 13, 16));
    expect(london.parse('2026-07-14 09:00')).toBe(Date.UTC(2026, 6, 14, 8));
  });

  it('uses an offset or Z when one is given', () => {
    expect(london.parse('2026-07-14T09:00+08:00')).toBe(Date.UTC(2026, 6, 14, 1));
    expect(shanghai.parse('2026-07-14T09:00:00Z')).toBe(Date.UTC(2026, 6, 14, 9));
    expect(shanghai.parse('2026-07-14T09:00-03:30')).toBe(Date.UTC(2026, 6, 14, 12, 30));
  });

  it('refuses what is not a date-time, saying how to write one', () => {
    for (const bad of [
      '2026-02-29 10:00',
      '2026-02-30',
      '2026-13-01',
      '2026-07-14 24:00',
      '2026-07-14 09:60',
      '14/07/2026',
      '2026-07-14 9:00',
      '2026-07-14Z',
      '2026-07-14T09:00+15:00',
      '',
    ]) {
      expectKitError(() => shanghai.parse(bad), 'COUNTY_TIME_INVALID');
    }
    expect(shanghai.parse('2024-02-29')).toBe(Date.UTC(2024, 1, 28, 16));
    expect(() => shanghai.parse('2026-02-30')).toThrow(/day 30 is not in month 2.*2026-07-14 09:00/);
  });

  it('never throws anything but COUNTY_TIME_INVALID on any text', () => {
    fc.assert(fc.property(fc.string(), (s) => onlyKitErrors(() => shanghai.parse(s))));
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?)?$/), (s) =>
        onlyKitErrors(() => london.parse(s)),
      ),
    );
  });
});

describe('zones', () => {
  it('refuses an unknown zone with COUNTY_TIME_ZONE_UNKNOWN, and isTimeZone says so first', () => {
    expectKitError(() => new CountyTime('Asia/Beijing'), 'COUNTY_TIME_ZONE_UNKNOWN');
    expect(isTimeZone('Asia/Beijing')).toBe(false);
    expect(isTimeZone('Asia/Urumqi')).toBe(true);
    expect(countyTime('Europe/London')).toBe(countyTime('Europe/London'));
  });

  it('checks a canonical zone without building a formatter, and still takes what ICU takes', () => {
    // The first formatter of a process maps ICU's time zone data (~8 MiB resident): a configuration
    // check must not be what brings it into a daemon at rest (docs/demo-county.md §Measured).
    const real = Intl.DateTimeFormat;
    let built = 0;
    Intl.DateTimeFormat = new Proxy(real, {
      construct(target, args) {
        built++;
        return Reflect.construct(target, args);
      },
    });
    try {
      expect(isTimeZone('Asia/Shanghai')).toBe(true);
      expect(isTimeZone('Europe/London')).toBe(true);
      expect(built).toBe(0);
      // Spellings ICU accepts that are not in its list of canonical names, and names it refuses.
      for (const alias of ['UTC', 'Etc/UTC', 'PRC', 'asia/shanghai', 'Asia/Kolkata', 'Asia/Calcutta'])
        expect(isTimeZone(alias), alias).toBe(true);
      for (const wrong of ['Asia/Beijing', '', 'Asia/Shanghai ', '+08:00x'])
        expect(isTimeZone(wrong), wrong).toBe(false);
    } finally {
      Intl.DateTimeFormat = real;
    }
  });
});

describe('properties, over zones with DST, odd offsets and midnight changes', () => {
  const zones = [
    'Asia/Shanghai',
    'Europe/London',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'America/Santiago',
    'America/Havana',
    'Pacific/Chatham',
  ].map((z) => new CountyTime(z));
  const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
  const zone = fc.constantFrom(...zones);

  it('parse(formatIso(t)) is t to the second; the local form reads back to the same wall clock', () => {
    fc.assert(
      fc.property(zone, instant, (c, t) => {
        const second = Math.floor(t / 1000) * 1000;
        expect(c.parse(c.formatIso(t))).toBe(second);
        const local = c.parse(c.formatLocal(t));
        expect(c.wallClock(local)).toEqual(c.wallClock(t));
        expect(local).toBeLessThanOrEqual(second); // the first of a repeated reading
      }),
    );
  });

  it('a day holds t, is 22–26 h long, and the next starts where it ends', () => {
    fc.assert(
      fc.property(zone, instant, (c, t) => {
        const start = c.startOfDay(t);
        const end = c.endOfDay(t);
        expect(start).toBeLessThanOrEqual(t);
        expect(end).toBeGreaterThan(t);
        expect(end - start).toBeGreaterThanOrEqual(22 * H);
        expect(end - start).toBeLessThanOrEqual(26 * H);
        expect(c.dayOf(start)).toBe(c.dayOf(t));
        expect(c.dayOf(end)).toBe(c.dayOf(t) + 1);
        expect(c.startOfDay(end)).toBe(end);
      }),
    );
  });

  it('the next 09:00 is after t, reads 09:00, and no 09:00 lies between', () => {
    fc.assert(
      fc.property(zone, instant, (c, t) => {
        const next = c.nextLocalTime(t, NINE);
        expect(next).toBeGreaterThan(t);
        expect(c.wallClock(next)).toMatchObject({ hour: 9, minute: 0, second: 0 });
        const before = c.atLocal(c.dayOf(next) - 1, 9);
        expect(before).toBeLessThanOrEqual(t);
      }),
    );
  });
});

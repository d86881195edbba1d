/**
 * County time: every deadline and every time shown to people is on the county's wall clock, in its
 * configured IANA time zone (default Asia/Shanghai), never in the system's zone
 * (docs/reports.md §County time). A Pi left at its default Europe/London must still fire a 09:00
 * deadline at 09:00 in the county, not at 16:00 there.
 *
 * Only `Intl.DateTimeFormat` with an explicit `timeZone` is used to read a wall clock; nothing here
 * calls the local-time methods of `Date` (getHours, setHours, toString…), which follow the process's
 * TZ. Days are numbered as civil days (days since 1970-01-01 of the county's calendar date), so
 * "the next day" is calendar arithmetic, not "+ 24 h", and stays right across a DST change.
 *
 * Local times that do not exist (the hour skipped when clocks go forward) or exist twice (the hour
 * repeated when they go back) are resolved as JavaScript's Temporal does by default ("compatible"):
 * a skipped time moves forward by the length of the gap, a repeated one takes its first occurrence.
 */
import { KitError, show } from '../base/errors.js';

/** The zone of a county in China; the default when the configuration names none. */
export const DEFAULT_COUNTY_TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;

/** A date and time on the county's wall clock. `month` is 1–12. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** A time of day on the county's wall clock, e.g. the 续报's 09:00. */
export interface LocalTimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Whether `zone` is an IANA time zone this Node.js knows (for configuration checks).
 *
 * A canonical name is looked up in the runtime's list of zones, which builds no formatter: the
 * first `Intl.DateTimeFormat` of a process maps ICU's calendar and time zone data, about 8 MiB of
 * resident memory that a daemon at rest, which formats no time, need not hold
 * (docs/demo-county.md §Measured). Any other spelling ICU takes (an alias such as Asia/Kolkata,
 * another case) is asked of a formatter, so the same names pass as before.
 */
export function isTimeZone(zone: string): boolean {
  if (Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      // hourCycle h23: some ICU versions write midnight as "24" with hour12: false.
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (err) {
      throw new KitError(
        'COUNTY_TIME_ZONE_UNKNOWN',
        `time zone ${show(zone)} is not an IANA zone this Node.js knows: name one such as ${DEFAULT_COUNTY_TIME_ZONE}`,
        { cause: err },
      );
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Unix ms of a wall-clock reading taken as if it were UTC (no Date.UTC: it maps years 0–99 to 19xx). */
function utcOf(t: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(t.year, t.month - 1, t.day);
  d.setUTCHours(t.hour, t.minute, t.second, 0);
  return d.getTime();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The county's clock in one time zone. Holds nothing but the zone and its cached formatter. */
export class CountyTime {
  readonly zone: string;
  readonly #format: Intl.DateTimeFormat;

  /** @param zone IANA zone; default Asia/Shanghai. Throws COUNTY_TIME_ZONE_UNKNOWN for an unknown one. */
  constructor(zone: string = DEFAULT_COUNTY_TIME_ZONE) {
    this.zone = zone;
    this.#format = formatterFor(zone);
  }

  /** The wall-clock reading at `t` (unix ms), to the second. */
  wallClock(t: number): LocalDateTime {
    if (!Number.isFinite(t)) throw new RangeError(`not a time: ${t}`);
    const fields: Record<string, number> = {};
    for (const part of this.#format.formatToParts(Math.floor(t / 1000) * 1000)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    return {
      year: fields.year ?? Number.NaN,
      month: fields.month ?? Number.NaN,
      day: fields.day ?? Number.NaN,
      hour: (fields.hour ?? Number.NaN) % 24,
      minute: fields.minute ?? Number.NaN,
      second: fields.second ?? Number.NaN,
    };
  }

  /** The zone's offset from UTC at `t`, in ms (+8 h in China). */
  offsetMs(t: number): number {
    return utcOf(this.wallClock(t)) - Math.floor(t / 1000) * 1000;
  }

  /** ISO 8601 with the offset and whole seconds, never `Z`: "2026-07-14T03:20:00+08:00". */
  formatIso(t: number): string {
    const w = this.wallClock(t);
    const offsetMin = Math.round(this.offsetMs(t) / 60_000);
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    return `${this.localDate(t)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  /** "2026-07-14 03:20:00": the wall clock without the offset, as people type it ({@link parse} reads it). */
  formatLocal(t: number): string {
    const w = this.wallClock(t);
    return `${this.localDate(t)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  }

  /** The short display form of zh-CN screens: "7月14日 03:20". */
  formatShort(t: number): string {
    const w = this.wallClock(t);
    return `${w.month}月${w.day}日 ${pad(w.hour)}:${pad(w.minute)}`;
  }

  /** The county's calendar date at `t`: "2026-07-14". */
  localDate(t: number): string {
    const w = this.wallClock(t);
    return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  }

  /** The county's civil day at `t`, as a day number (days since 1970-01-01 of the local date). */
  dayOf(t: number): number {
    const w = this.wallClock(t);
    return Math.round(utcOf({ ...w, hour: 0, minute: 0, second: 0 }) / DAY_MS);
  }

  /** "2026-07-14" for a day number of {@link dayOf}. */
  dateOfDay(day: number): string {
    const d = new Date(day * DAY_MS);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  }

  /** The instant at which the wall clock reads `hour:minute` on civil day `day`. */
  atLocal(day: number, hour: number, minute = 0, second = 0): number {
    const d = new Date(day * DAY_MS);
    return this.toInstant({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour,
      minute,
      second,
    });
  }

  /** The first instant of `t`'s local day: its 00:00 (or the first instant after a gap at midnight). */
  startOfDay(t: number): number {
    return this.atLocal(this.dayOf(t), 0);
  }

  /**
   * The local midnight that ends `t`'s day: 24:00 of that day, the next day's start. A 续报's figures
   * run "to 24:00 of the day before"; this is that moment.
   */
  endOfDay(t: number): number {
    return this.atLocal(this.dayOf(t) + 1, 0);
  }

  /** The first instant strictly after `t` at which the county's clock reads `at` (e.g. 09:00). */
  nextLocalTime(t: number, at: LocalTimeOfDay): number {
    const day = this.dayOf(t);
    const today = this.atLocal(day, at.hour, at.minute);
    return today > t ? today : this.atLocal(day + 1, at.hour, at.minute);
  }

  /**
   * The instant of a wall-clock reading. A reading that exists twice gives its first occurrence;
   * one that does not exist moves forward by the gap (02:30 on a day the clock jumps from 02:00 to
   * 03:00 gives 03:30).
   */
  toInstant(local: LocalDateTime): number {
    const asUtc = utcOf(local);
    // The offsets a day either side bracket any change of offset near this reading (zones change
    // their offset at most a few times a year).
    const before = this.offsetMs(asUtc - DAY_MS);
    const after = this.offsetMs(asUtc + DAY_MS);
    const candidates = [asUtc - before, asUtc - after].sort((a, b) => a - b);
    for (const t of candidates) {
      if (sameReading(this.wallClock(t), local)) return t;
    }
    // In a gap: keep the offset in force before it, which lands the same distance past the gap.
    return asUtc - before;
  }

  /**
   * A date-time typed by a person: "2026-07-14 09:00", "2026-07-14T09:00:30", or a date alone
   * ("2026-07-14": its start), read on the county's clock; with an offset or Z
   * ("2026-07-14T09:00+08:00") the offset given is used. Unix ms; COUNTY_TIME_INVALID otherwise.
   */
  parse(text: string): number {
    const m = PATTERN.exec(text);
    const fail = (why: string) =>
      new KitError(
        'COUNTY_TIME_INVALID',
        `${show(text)} is not a date-time: ${why}; write it as 2026-07-14 09:00 (county time, ${this.zone}) or with an offset, 2026-07-14T09:00+08:00`,
      );
    if (m === null) throw fail('unrecognised form');
    const [, y, mo, d, h, mi, s, offset] = m;
    const local: LocalDateTime = {
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: Number(h ?? 0),
      minute: Number(mi ?? 0),
      second: Number(s ?? 0),
    };
    if (local.month < 1 || local.month > 12) throw fail(`month ${local.month} is not 1–12`);
    const monthDays = local.month === 2 && isLeap(local.year) ? 29 : (MONTH_DAYS[local.month - 1] ?? 0);
    if (local.day < 1 || local.day > monthDays) throw fail(`day ${local.day} is not in month ${local.month}`);
    if (local.hour > 23 || local.minute > 59 || local.second > 59)
      throw fail('hour, minute or second out of range');
    if (offset === undefined) return this.toInstant(local);
    if (offset === 'Z') return utcOf(local);
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 14 || om > 59) throw fail(`offset ${offset} out of range`);
    return utcOf(local) - (offset[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function sameReading(a: LocalDateTime, b: LocalDateTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

const clocks = new Map<string, CountyTime>();

/** The (shared, immutable) county clock of `zone`. */
export function countyTime(zone: string = DEFAULT_COUNTY_TIME_ZONE): CountyTime {
  let c = clocks.get(zone);
  if (c === undefined) {
    c = new CountyTime(zone);
    clocks.set(zone, c);
  }
  return c;
}

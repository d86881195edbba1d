/**
 * CAP date-times (docs/cap.md §3.2 Times): "2026-07-14T03:20:00+08:00", whole seconds and a numeric
 * offset, never `Z` and never a fraction, as the CAP 1.2 schema's pattern demands. Written on the
 * county's clock (docs/reports.md §County time), read with whatever offset the sender used.
 */
import { countyTime } from '../../county-time.js';

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type CapTimeReading = { ok: true; unix: number } | { ok: false; problem: string };

/**
 * `unix` (seconds) as a CAP date-time on the clock of `zone` (IANA; default Asia/Shanghai). An
 * offset of zero is written -00:00, the spelling CAP 1.2 gives UTC.
 */
export function formatCapTime(unix: number, zone?: string): string {
  const iso = countyTime(zone).formatIso(unix * 1000);
  return iso.endsWith('+00:00') ? `${iso.slice(0, -6)}-00:00` : iso;
}

/**
 * Reads a CAP date-time to unix seconds, or says what is wrong with it: the schema's pattern and
 * xs:dateTime's ranges, with the usual faults (`Z`, a fraction, a space for the `T`) named.
 */
export function parseCapTime(text: string): CapTimeReading {
  // xs:dateTime collapses white space before the pattern applies.
  const value = text.trim();
  const m = PATTERN.exec(value);
  if (m === null) return { ok: false, problem: diagnose(value) };
  const [year, month, day, hour, minute, second, sign, offH, offM] = [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    m[7],
    Number(m[8]),
    Number(m[9]),
  ];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
  if (year === 0) return bad('year 0000 does not exist in xs:dateTime');
  if (month < 1 || month > 12) return bad(`month ${m[2]} is not 01–12`);
  if (day < 1 || day > monthDays) return bad(`day ${m[3]} is not in month ${m[2]}`);
  // xs:dateTime allows 24:00:00 for the end of a day, and nothing else past 23:59:59.
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0))) return bad(`hour ${m[4]} is not 00–23`);
  if (minute > 59 || second > 59) return bad('minutes and seconds are 00–59');
  if (offH > 14 || offM > 59 || (offH === 14 && offM !== 0))
    return bad(`offset ${sign}${m[8]}:${m[9]} is beyond ±14:00`);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const offset = (sign === '-' ? -1 : 1) * (offH * 60 + offM) * 60;
  return { ok: true, unix: d.getTime() / 1000 - offset };
}

function diagnose(value: string): string {
  const want = 'write it as 2026-07-14T03:20:00+08:00 (whole seconds and a numeric offset)';
  if (/Z$/i.test(value))
    return `${JSON.stringify(value)} ends in Z, which CAP 1.2 refuses: ${want}; UTC is -00:00`;
  if (/:\d{2}[.,]\d/.test(value))
    return `${JSON.stringify(value)} has fractional seconds, which CAP 1.2 refuses: ${want}`;
  if (/^\d{4}-\d{2}-\d{2} \d/.test(value))
    return `${JSON.stringify(value)} has a space between date and time (the 国突 dialect's form): ${want}`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value))
    return `${JSON.stringify(value)} has no offset: ${want}`;
  return `${JSON.stringify(value.slice(0, 40))} is not a CAP date-time: ${want}`;
}

function bad(problem: string): CapTimeReading {
  return { ok: false, problem };
}

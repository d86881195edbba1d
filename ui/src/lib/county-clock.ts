/**
 * Times as the UI shows them: on the county's clock, never the phone's zone (docs/reports.md
 * §County time; docs/ui.md §Language and look). A phone bought elsewhere, or set to another zone,
 * still shows the 09:00 deadline as 09:00. The calendar arithmetic is the domain's own
 * (node/src/domain/county-time.ts); this adds the short forms for each language.
 */
import { countyTime, DEFAULT_COUNTY_TIME_ZONE } from '../../../node/src/domain/county-time.js';

export { DEFAULT_COUNTY_TIME_ZONE };

export type Lang = 'zh-CN' | 'en';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(lang: Lang, zone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${zone}|${withDate}`;
  let f = formats.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withDate ? { month: lang === 'en' ? 'short' : 'numeric', day: 'numeric' } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

/** `03:20` on the county clock. */
export function clockTime(t: number, zone: string = DEFAULT_COUNTY_TIME_ZONE): string {
  return format('en', zone, false).format(t);
}

/** `7月14日 03:20` or `14 Jul, 03:20` on the county clock. */
export function shortDateTime(t: number, lang: Lang, zone: string = DEFAULT_COUNTY_TIME_ZONE): string {
  return lang === 'zh-CN' ? countyTime(zone).formatShort(t) : format(lang, zone, true).format(t);
}

/** 00:00 of the county day `t` falls in, unix ms: the cut-off of a 续报's figures for the day before. */
export function startOfCountyDay(t: number, zone: string = DEFAULT_COUNTY_TIME_ZONE): number {
  return countyTime(zone).startOfDay(t);
}

/**
 * What a person types in a `datetime-local` field (`2026-07-14T03:20`), read on the county clock,
 * unix ms; undefined when it is empty or not a time.
 */
export function parseLocalInput(text: string, zone: string = DEFAULT_COUNTY_TIME_ZONE): number | undefined {
  if (text.trim() === '') return undefined;
  try {
    return countyTime(zone).parse(text.replace('T', ' '));
  } catch {
    return undefined;
  }
}

/** The value of a `datetime-local` field for `t`, on the county clock. */
export function localInputValue(t: number, zone: string = DEFAULT_COUNTY_TIME_ZONE): string {
  return countyTime(zone).formatLocal(t).slice(0, 16).replace(' ', 'T');
}

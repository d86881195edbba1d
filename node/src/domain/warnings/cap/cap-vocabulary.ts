/**
 * The words the codec speaks in CAP (docs/cap.md §3 The mapping): the value names under which the
 * event code, colour, level and area code travel, severity by colour, category by event code, and
 * the identifier a warning gets. One table, read by export and import alike.
 */
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { CapCategory, CapSeverity } from './cap-model.js';

/** `<eventCode>` of a GB/T 35561-style code ("11B03"); the name of the Chinese sample profile. */
export const EVENT_CODE_NAME = 'CN-EventType';
/** `<parameter>` with the colour: Red, Orange, Yellow, Blue. */
export const COLOUR_PARAMETER = 'CN-WarningColor';
/** `<parameter>` with the level: I, II, III, IV. */
export const LEVEL_PARAMETER = 'CN-WarningLevel';
/** `<geocode>` with a 12-digit administrative division code (docs/domain.md §Warnings). */
export const GEOCODE_NAME = 'CPEAS Geographic Code';

/** Names under which an event code is read, compared without regard to case. */
export const EVENT_CODE_NAMES_READ = [EVENT_CODE_NAME, 'GB/T 35561'];
/** Names under which an area code is read: ours, and the two standards the codes come from. */
export const GEOCODE_NAMES_READ = [GEOCODE_NAME, 'GB/T 2260', 'GB/T 10114'];

export type Colour = WarningBody['colour'];

/** docs/domain.md §Warnings: the colour decides `<severity>`, never the other way round. */
export const SEVERITY_BY_COLOUR: Readonly<Record<Colour, CapSeverity>> = {
  red: 'Extreme',
  orange: 'Severe',
  yellow: 'Moderate',
  blue: 'Minor',
  none: 'Unknown',
};

export const COLOUR_WORDS: Readonly<Record<Exclude<Colour, 'none'>, { cap: string; zh: string }>> = {
  red: { cap: 'Red', zh: '红' },
  orange: { cap: 'Orange', zh: '橙' },
  yellow: { cap: 'Yellow', zh: '黄' },
  blue: { cap: 'Blue', zh: '蓝' },
};

/** Level 1–4 as written: I–IV. */
export const LEVEL_NUMERALS = ['I', 'II', 'III', 'IV'] as const;
/** The same in Unicode's Roman numeral block (Ⅰ–Ⅳ), read too. */
const LEVEL_NUMERALS_UNICODE = ['\u2160', '\u2161', '\u2162', '\u2163'];

/** A colour as a parameter's value is written: Red, red, 红, 红色. */
export function readColour(text: string): Colour | undefined {
  const t = text.trim();
  for (const [colour, words] of Object.entries(COLOUR_WORDS) as [
    Exclude<Colour, 'none'>,
    { cap: string; zh: string },
  ][]) {
    if (t.toLowerCase() === words.cap.toLowerCase() || t === words.zh || t === `${words.zh}色`) return colour;
  }
  return undefined;
}

/** A level as a parameter's value is written: II, ii, Ⅱ, 2, II级. */
export function readLevel(text: string): number | undefined {
  const t = text.trim().replace(/级$/, '');
  const roman = (LEVEL_NUMERALS as readonly string[]).indexOf(t.toUpperCase());
  if (roman >= 0) return roman + 1;
  const unicode = LEVEL_NUMERALS_UNICODE.indexOf(t);
  if (unicode >= 0) return unicode + 1;
  return /^[1-4]$/.test(t) ? Number(t) : undefined;
}

/**
 * CAP's category of an event code. Only the 11B group (meteorological warnings) is known to be
 * weather; a code of another group is `Other` until the standard's table says what it is
 * (docs/domain.md §Warnings: never guessed).
 */
export function categoryOf(eventCode: string): CapCategory {
  return eventCode.startsWith('11B') ? 'Met' : 'Other';
}

/** What a Met warning without a known code becomes: 11B99, other weather. */
export const OTHER_WEATHER = '11B99';

/**
 * A warning's CAP identifier: "fieldnode-<origin>-<seq>", its message id on the wire, which no other
 * message of the county's network shares and which is the same however often it is exported.
 */
export function capIdentifier(ref: { origin: number; seq: number }): string {
  return `fieldnode-${ref.origin}-${ref.seq}`;
}

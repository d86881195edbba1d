/**
 * A kept payload's text for a terminal (docs/centre-doors.md §What the doors keep, §Releasing a
 * kept frame): what came from outside with its control characters escaped, and what the carrier
 * said of it in a few words: the transport, the MOMSN, the session's time and Iridium's position
 * of the modem with its CEP, from the keys every satellite door writes into a record's `source`
 * (node/src/store/foreign-payload-file.ts). Keys that are missing or not the expected type are
 * left out: the file is read back from disk and may hold anything.
 */
import { iso } from './text-table.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** E.g. "rockblock momsn 41 2026-07-13T19:20:05Z at 28.1234,112.9876 ±3 km"; "-" when nothing is known. */
export function carrierText(source: Readonly<Record<string, unknown>> | undefined): string {
  if (source === undefined) return '-';
  const parts: string[] = [];
  if (typeof source.carrier === 'string') parts.push(printable(source.carrier));
  const momsn = num(source.momsn);
  if (momsn !== undefined) parts.push(`momsn ${momsn}`);
  const at = num(source.sessionTime);
  if (at !== undefined) parts.push(iso(at));
  const [lat, lon, cep] = [num(source.latitude), num(source.longitude), num(source.cepKm)];
  if (lat !== undefined && lon !== undefined)
    parts.push(`at ${lat},${lon}${cep === undefined ? '' : ` ±${cep} km`}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}

// C0, DEL and C1 controls (escape sequences), and the bidirectional overrides and line separators
// that make a terminal show text other than it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the file (the carrier's sender address, the parser's words) with control characters
 * escaped, so that nothing in a stranger's payload can drive the terminal.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

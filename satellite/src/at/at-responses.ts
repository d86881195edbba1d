/**
 * Pure parsers for the information lines of the 9602/9603 AT responses (docs/iridium.md §1.3,
 * §7.1 "Byte-stream parser"). Each takes one line without its CR/LF and either returns a typed
 * value or throws KitError AT_MALFORMED; none throws anything else, whatever the bytes.
 *
 * They are tolerant where the field is: optional spaces after ':' and ',' (a real 9603 writes
 * `+SBDIX: 0, 12, 0, 0, 0, 0`, isbd-emu `+SBDIX:0,12,0,0,0,0`), `+SBDIXA:` as well as `+SBDIX:`,
 * `+CSQF:` as well as `+CSQ:`, and `+CRIS` read as whatever integers it carries.
 */
import { KitError, show } from '../../../node/src/base/errors.js';
import type { SbdSessionResult } from '../modem/sbd-modem.js';

function malformed(what: string, line: string): KitError {
  return new KitError('AT_MALFORMED', `not a ${what} line: ${show(line)}`);
}

/** Integers separated by commas with optional spaces, e.g. ` 0, 12,0`. Undefined if not that shape. */
function intList(text: string): number[] | undefined {
  const parts = text.split(',');
  const out: number[] = [];
  for (const part of parts) {
    const m = /^\s*([+-]?\d{1,10})\s*$/.exec(part);
    if (m === null) return undefined;
    out.push(Number(m[1]));
  }
  return out;
}

/** The text after `prefix` (case-insensitive) if the line starts with it. */
function after(line: string, prefix: string): string | undefined {
  return line.slice(0, prefix.length).toUpperCase() === prefix ? line.slice(prefix.length) : undefined;
}

function inRange(n: number, lo: number, hi: number): boolean {
  return Number.isInteger(n) && n >= lo && n <= hi;
}

/** True if the line is the +SBDIX (or +SBDIXA) information line. */
export function isSbdixLine(line: string): boolean {
  return /^\+SBDIXA?:/i.test(line);
}

/** `+SBDIX: <MO status>, <MOMSN>, <MT status>, <MTMSN>, <MT length>, <MT queued>` (§1.3). */
export function parseSbdix(line: string): SbdSessionResult {
  const body = after(line, '+SBDIXA:') ?? after(line, '+SBDIX:');
  const v = body === undefined ? undefined : intList(body);
  if (v === undefined || v.length !== 6) throw malformed('+SBDIX', line);
  const [moStatus, momsn, mtStatus, mtmsn, mtLength, mtQueued] = v as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // MTMSN is −1 in some forms (SBDI, SBDS with an empty buffer); accept it here too.
  if (
    !inRange(moStatus, 0, 255) ||
    !inRange(momsn, 0, 65535) ||
    !inRange(mtStatus, 0, 2) ||
    !inRange(mtmsn, -1, 65535) ||
    !inRange(mtLength, 0, 65535) ||
    !inRange(mtQueued, 0, 65535)
  ) {
    throw new KitError('AT_MALFORMED', `+SBDIX value out of range: ${show(line)}`);
  }
  return { moStatus, momsn, mtStatus, mtmsn, mtLength, mtQueued };
}

/** `+CSQ:<0..5>` or `+CSQF:<0..5>` (§1.3; a real 9603 writes no space after the colon). */
export function parseCsq(line: string): number {
  const body = after(line, '+CSQF:') ?? after(line, '+CSQ:');
  const v = body === undefined ? undefined : intList(body);
  if (v === undefined || v.length !== 1 || !inRange(v[0] as number, 0, 5)) throw malformed('+CSQ', line);
  return v[0] as number;
}

/** AT-MSSTM: the 32-bit tick count, or undefined for `-MSSTM: no network service`. */
export function parseMsstm(line: string): number | undefined {
  const body = after(line, '-MSSTM:');
  if (body === undefined) throw malformed('-MSSTM', line);
  const text = body.trim();
  if (/^no network service$/i.test(text)) return undefined;
  if (!/^[0-9a-f]{1,8}$/i.test(text)) throw malformed('-MSSTM', line);
  return Number.parseInt(text, 16);
}

export interface IndicatorEvent {
  /** 0 signal strength, 1 service availability, 2 antenna fault, 3 satellite/beam data. */
  indicator: number;
  /** The values after the indicator number (one for 0–2; several for 3 on newer firmware). */
  values: number[];
}

/** `+CIEV:<indicator>,<value>[,<value>…]` (§1.3 AT+CIER). */
export function parseCiev(line: string): IndicatorEvent {
  const body = after(line, '+CIEV:');
  const v = body === undefined ? undefined : intList(body);
  if (v === undefined || v.length < 2 || !inRange(v[0] as number, 0, 9)) throw malformed('+CIEV', line);
  return { indicator: v[0] as number, values: v.slice(1) };
}

export interface SbdStatus {
  moFlag: number;
  /** The MOMSN the next session will use. */
  momsn: number;
  mtFlag: number;
  /** −1 when the MT buffer is empty. */
  mtmsn: number;
  /** +SBDSX only: a ring alert was received and not yet answered by a mailbox check. */
  raFlag?: number;
  /** +SBDSX only: MT messages waiting at the gateway as of the last session. */
  waiting?: number;
}

/** `+SBDS: <MO flag>, <MOMSN>, <MT flag>, <MTMSN>` or the six-field `+SBDSX:` (§1.3). */
export function parseSbds(line: string): SbdStatus {
  const x = after(line, '+SBDSX:');
  const body = x ?? after(line, '+SBDS:');
  const v = body === undefined ? undefined : intList(body);
  if (v === undefined || v.length !== (x === undefined ? 4 : 6)) throw malformed('+SBDS', line);
  const [moFlag, momsn, mtFlag, mtmsn] = v as [number, number, number, number];
  if (!inRange(momsn, 0, 65535) || !inRange(mtmsn, -1, 65535)) throw malformed('+SBDS', line);
  const out: SbdStatus = { moFlag, momsn, mtFlag, mtmsn };
  if (x !== undefined) {
    out.raFlag = v[4] as number;
    out.waiting = v[5] as number;
  }
  return out;
}

/** `+CRIS:<tri>,<sri>[,…]`, read leniently (§1.3: the exact format is unverified). */
export function parseCris(line: string): { tri: number; sri: number } {
  const body = after(line, '+CRISX:') ?? after(line, '+CRIS:');
  const v = body === undefined ? undefined : intList(body);
  if (v === undefined || v.length < 2) throw malformed('+CRIS', line);
  return { tri: v[0] as number, sri: v[1] as number };
}

/** The IMEI in AT+CGSN's lines: the first line of 15 digits. */
export function findImei(lines: readonly string[]): string {
  for (const line of lines) {
    const t = line.trim();
    if (/^\d{15}$/.test(t)) return t;
  }
  throw new KitError('AT_MALFORMED', `no 15-digit IMEI in the AT+CGSN answer ${show(lines.join('|'))}`);
}

/** A single-digit result line such as SBDWB's or SBDD's `0`. */
export function parseDigitResult(line: string): number | undefined {
  const m = /^\s*(\d)\s*$/.exec(line);
  return m === null ? undefined : Number(m[1]);
}

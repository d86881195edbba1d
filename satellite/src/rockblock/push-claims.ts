/**
 * The fields of a RockBLOCK push, read from the claims of its verified token (docs/iridium.md
 * §2.1, §2.2, §7.5).
 *
 * Rock7 puts every POST field into the token as a string ("66", "3.0"), while the unsigned body
 * carries some of them as JSON numbers (66, 3.0). Both spellings are accepted here and normalised,
 * so the claims can be compared with the body and a future change of type breaks nothing.
 */
import { KitError, show } from '../../../node/src/base/errors.js';
import type { JwtClaims } from './jwt.js';

/** One MO message as the RockBLOCK cloud pushed it, every field from the verified claims. */
export interface RockblockPush {
  /** 15 ASCII digits. */
  imei: string;
  /** 0–65535; wraps, and resets when a modem is replaced. */
  momsn: number;
  /** When the modem's session happened, Unix ms (from `transmit_time`, always UTC). */
  transmitTime: number;
  /** `transmit_time` as sent, `YY-MM-DD HH:MM:SS`: part of the dedupe key. */
  transmitTimeText: string;
  /** The MO payload; empty for a mailbox check. */
  data: Uint8Array;
  /** RockBLOCK serial number, when given. */
  serial?: string;
  /** "ROCKBLOCK" for RockBLOCK devices, when given. */
  deviceType?: string;
  /** Iridium's rough position of the modem, degrees, and its accuracy in km (80 % circle). */
  iridiumLatitude?: number;
  iridiumLongitude?: number;
  iridiumCepKm?: number;
  /** The session status, when sent (present in 2020 captures, absent in 2023 ones). */
  sessionStatus?: number;
  /** When Rock7 signed the token, Unix seconds. */
  issuedAt?: number;
}

/** The most MO bytes a 9602/9603 sends in one message (§1.4). */
export const MAX_MO_BYTES = 340;

const IMEI = /^\d{15}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const TRANSMIT_TIME = /^(\d{2})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function bad(detail: string): never {
  throw new KitError('JWT_INVALID', `push claims refused: ${detail}`);
}

/** A claim as text: strings as they are, finite numbers in their JSON spelling, else undefined. */
export function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A claim as a number: a number, or a string holding a plain decimal. */
export function claimNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
}

/**
 * Parses `transmit_time`, `%y-%m-%d %H:%M:%S` in UTC (not `%d-%m-%y`, as one public tool has it),
 * to Unix ms. Two-digit years are 2000–2099.
 *
 * @returns undefined unless it is exactly that shape and a real date and time.
 */
export function parseTransmitTime(text: string): number | undefined {
  const m = TRANSMIT_TIME.exec(text);
  if (!m) return undefined;
  const [yy, mo, dd, hh, mi, ss] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  const d = new Date(ms);
  // Date.UTC rolls over (Feb 30 → Mar 2); a real time reads back the same.
  const same =
    d.getUTCFullYear() === 2000 + yy &&
    d.getUTCMonth() === mo - 1 &&
    d.getUTCDate() === dd &&
    d.getUTCHours() === hh &&
    d.getUTCMinutes() === mi &&
    d.getUTCSeconds() === ss;
  return same ? ms : undefined;
}

/** Formats Unix ms as `transmit_time` (`YY-MM-DD HH:MM:SS`, UTC), for the simulator. */
export function formatTransmitTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCFullYear() % 100)}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  );
}

/** Hex text to bytes; undefined unless it is an even number of hex digits. Either case. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (!HEX.test(hex)) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/**
 * Reads a push from verified claims.
 *
 * @throws KitError JWT_INVALID naming the first field that is missing or not the documented shape
 *   (imei, momsn, transmit_time, data). A signed token in another shape is still Rock7's, so the
 *   receiver keeps it (quarantine) rather than dropping it.
 */
export function pushFromClaims(claims: JwtClaims): RockblockPush {
  const imei = claimText(claims.imei);
  if (imei === undefined || !IMEI.test(imei)) bad(`imei ${show(claims.imei)} is not 15 digits`);
  const momsn = claimNumber(claims.momsn);
  if (momsn === undefined || !Number.isInteger(momsn) || momsn < 0 || momsn > 65_535) {
    bad(`momsn ${show(claims.momsn)} is not an integer 0..65535`);
  }
  const transmitTimeText = claimText(claims.transmit_time);
  const transmitTime = transmitTimeText === undefined ? undefined : parseTransmitTime(transmitTimeText);
  if (transmitTimeText === undefined || transmitTime === undefined) {
    bad(`transmit_time ${show(claims.transmit_time)} is not YY-MM-DD HH:MM:SS`);
  }
  // Absent data is read as a mailbox check, like data "".
  const hex = claims.data === undefined ? '' : claims.data;
  const data = typeof hex === 'string' ? hexToBytes(hex) : undefined;
  if (data === undefined) bad(`data ${show(claims.data)} is not hex`);
  if (data.length > MAX_MO_BYTES) bad(`data of ${data.length} bytes is over ${MAX_MO_BYTES}`);

  const push: RockblockPush = { imei, momsn, transmitTime, transmitTimeText, data };
  const serial = claimText(claims.serial);
  if (serial !== undefined) push.serial = serial;
  const deviceType = claimText(claims.device_type);
  if (deviceType !== undefined) push.deviceType = deviceType;
  const lat = claimNumber(claims.iridium_latitude);
  if (lat !== undefined) push.iridiumLatitude = lat;
  const lon = claimNumber(claims.iridium_longitude);
  if (lon !== undefined) push.iridiumLongitude = lon;
  const cep = claimNumber(claims.iridium_cep);
  if (cep !== undefined) push.iridiumCepKm = cep;
  const status = claimNumber(claims.iridium_session_status);
  if (status !== undefined) push.sessionStatus = status;
  const iat = claimNumber(claims.iat);
  if (iat !== undefined) push.issuedAt = iat;
  return push;
}

/** The key a push is deduplicated on: the same session pushed again has all three the same. */
export function pushKey(push: Pick<RockblockPush, 'imei' | 'momsn' | 'transmitTimeText'>): string {
  return `${push.imei}|${push.momsn}|${push.transmitTimeText}`;
}

/**
 * The unsigned body fields that disagree with the signed claims, after normalising numbers and
 * strings ("3.0" and 3 agree). Only fields present in both are compared. A disagreement means the
 * body was altered or built by someone else; the claims win, but it is worth a log line.
 */
export function bodyMismatches(claims: JwtClaims, body: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === 'JWT' || !(name in claims)) continue;
    const a = claims[name];
    const na = claimNumber(a);
    const nb = claimNumber(value);
    const same =
      na !== undefined && nb !== undefined
        ? na === nb
        : claimText(a)?.toLowerCase() === claimText(value)?.toLowerCase();
    if (!same) out.push(name);
  }
  return out;
}

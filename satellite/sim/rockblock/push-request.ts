/**
 * Builds Rock7-shaped MO push requests (docs/iridium.md §2.1, §2.2) for the simulated
 * RockBLOCK cloud and for tests: the field set of the real captures, with the types they were
 * observed with (imei, data, transmit_time, device_type strings; momsn, serial, latitude,
 * longitude, cep numbers), the JWT over all of them as strings, as JSON (HTTP_JSON) or as a form
 * (HTTP_POST).
 */
import type { KeyObject } from 'node:crypto';
import { formatTransmitTime } from '../../src/rockblock/push-claims.js';
import { signPushToken } from './sign-push-token.js';

/** One MO session as the cloud reports it. */
export interface PushInput {
  imei: string;
  serial: number;
  momsn: number;
  /** Session time, Unix ms. */
  at: number;
  /** The MO payload; empty for a mailbox check. */
  data: Uint8Array;
  /** Iridium's estimate of the modem's position, degrees, and its CEP in km. */
  latitude: number;
  longitude: number;
  cepKm: number;
  /** Sent as iridium_session_status when given (2020 captures have it, 2023 ones do not). */
  sessionStatus?: number;
}

export type PushFormat = 'json' | 'form';

/** The content types the two delivery methods use. */
export const PUSH_CONTENT_TYPE: Readonly<Record<PushFormat, string>> = {
  json: 'application/json; charset=utf-8',
  form: 'application/x-www-form-urlencoded',
};

/** A JSON number with the decimals Rock7 prints: 4 for positions, 1 for the CEP ("3.0"). */
function fixed(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/**
 * The push body fields, token included. `iat` is the signing time, Unix seconds; `key` the
 * private key (default: the repository's test key, for tests only).
 */
export function pushFields(input: PushInput, iat: number, key?: KeyObject): Record<string, string | number> {
  const asText: Record<string, string> = {
    imei: input.imei,
    serial: String(input.serial),
    momsn: String(input.momsn),
    transmit_time: formatTransmitTime(input.at),
    iridium_latitude: fixed(input.latitude, 4),
    iridium_longitude: fixed(input.longitude, 4),
    iridium_cep: fixed(input.cepKm, 1),
    data: Buffer.from(input.data).toString('hex'),
    device_type: 'ROCKBLOCK',
  };
  if (input.sessionStatus !== undefined) asText.iridium_session_status = String(input.sessionStatus);
  const token = signPushToken(asText, iat, key);
  const fields: Record<string, string | number> = {
    momsn: input.momsn,
    data: asText.data as string,
    serial: input.serial,
    iridium_latitude: Number(asText.iridium_latitude),
    iridium_cep: Number(asText.iridium_cep),
    JWT: token,
    imei: input.imei,
    device_type: 'ROCKBLOCK',
    transmit_time: asText.transmit_time as string,
    iridium_longitude: Number(asText.iridium_longitude),
  };
  if (input.sessionStatus !== undefined) fields.iridium_session_status = input.sessionStatus;
  return fields;
}

/** The request body for `fields` in `format`. */
export function pushBody(fields: Readonly<Record<string, string | number>>, format: PushFormat): string {
  if (format === 'json') return JSON.stringify(fields);
  return new URLSearchParams(
    Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
}

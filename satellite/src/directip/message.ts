/**
 * The Iridium DirectIP message frame (docs/iridium.md §3.2): protocol revision 0x01, the
 * overall length (u16 big-endian, the bytes after these three), then information elements, each
 * `id u8 | length u16 BE | body`. Messages are delimited only by their lengths: "if there are too
 * many or too few bytes… the overall message will be dropped", so decoding is exact, and every
 * length is checked against the bytes that are really there before anything is read. Also what
 * MO and MT messages (mo.ts, mt.ts; §3.3, §3.4) share: IMEI fields, field ranges, payload IEs.
 */
import { KitError } from '../../../node/src/base/errors.js';

export const DIRECTIP_REVISION = 0x01;
/** Revision byte + overall length. */
export const MESSAGE_HEADER_BYTES = 3;
/** IE id + IE length. */
export const IE_HEADER_BYTES = 3;
/** The largest overall message: 3 + 65,535. */
export const MAX_MESSAGE_BYTES = MESSAGE_HEADER_BYTES + 0xffff;

/** One information element: its id and its body (a view into the decoded bytes). */
export interface InformationElement {
  id: number;
  body: Uint8Array;
}

export function malformed(detail: string): never {
  throw new KitError('DIRECTIP_MALFORMED', `DirectIP: ${detail}`);
}

/**
 * How many bytes the whole message has, from its first three; undefined while fewer have come.
 * Lets a TCP reader know when a message is complete without waiting for the peer to close.
 *
 * @throws KitError DIRECTIP_MALFORMED if the first byte is not revision 1.
 */
export function expectedMessageBytes(prefix: Uint8Array): number | undefined {
  if (prefix.length >= 1 && prefix[0] !== DIRECTIP_REVISION) {
    malformed(`protocol revision ${prefix[0]}, not 1`);
  }
  if (prefix.length < MESSAGE_HEADER_BYTES) return undefined;
  return MESSAGE_HEADER_BYTES + (((prefix[1] as number) << 8) | (prefix[2] as number));
}

/**
 * Splits one message into its IEs, in the order they came.
 *
 * @throws KitError DIRECTIP_MALFORMED for another revision, an overall length that is not exactly
 *   the bytes given, an IE that runs past the end, or bytes too few for an IE header.
 */
export function decodeMessage(bytes: Uint8Array): InformationElement[] {
  const total = expectedMessageBytes(bytes);
  if (total === undefined) malformed(`${bytes.length} bytes, shorter than the message header`);
  if (total !== bytes.length) {
    malformed(
      `overall length says ${total - MESSAGE_HEADER_BYTES} bytes, ${bytes.length - MESSAGE_HEADER_BYTES} follow`,
    );
  }
  const ies: InformationElement[] = [];
  let at = MESSAGE_HEADER_BYTES;
  while (at < bytes.length) {
    if (bytes.length - at < IE_HEADER_BYTES)
      malformed(`${bytes.length - at} stray bytes after IE ${ies.length}`);
    const id = bytes[at] as number;
    const length = ((bytes[at + 1] as number) << 8) | (bytes[at + 2] as number);
    const start = at + IE_HEADER_BYTES;
    if (start + length > bytes.length) {
      malformed(`IE 0x${hex2(id)} says ${length} bytes, ${bytes.length - start} are left`);
    }
    ies.push({ id, body: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return ies;
}

/**
 * Builds one message from IEs, in the order given.
 *
 * @throws RangeError if an IE id is not a byte, a body is over 65,535 bytes, or the whole is.
 */
export function encodeMessage(ies: readonly InformationElement[]): Uint8Array {
  let length = 0;
  for (const ie of ies) {
    if (!Number.isInteger(ie.id) || ie.id < 0 || ie.id > 0xff)
      throw new RangeError(`IE id ${ie.id} is not a byte`);
    if (ie.body.length > 0xffff) throw new RangeError(`IE 0x${hex2(ie.id)} body of ${ie.body.length} bytes`);
    length += IE_HEADER_BYTES + ie.body.length;
  }
  if (length > 0xffff) throw new RangeError(`a DirectIP message of ${length} bytes is over 65,535`);
  const out = new Uint8Array(MESSAGE_HEADER_BYTES + length);
  out[0] = DIRECTIP_REVISION;
  out[1] = length >> 8;
  out[2] = length & 0xff;
  let at = MESSAGE_HEADER_BYTES;
  for (const ie of ies) {
    out[at] = ie.id;
    out[at + 1] = ie.body.length >> 8;
    out[at + 2] = ie.body.length & 0xff;
    out.set(ie.body, at + IE_HEADER_BYTES);
    at += IE_HEADER_BYTES + ie.body.length;
  }
  return out;
}

/**
 * The IEs by id among `known`, each at most once; the ids of the others, which are skipped (a
 * later protocol's IEs).
 *
 * @throws KitError DIRECTIP_MALFORMED if a known IE appears twice.
 */
export function pickElements(
  ies: readonly InformationElement[],
  known: readonly number[],
): { found: Map<number, Uint8Array>; skipped: number[] } {
  const found = new Map<number, Uint8Array>();
  const skipped: number[] = [];
  for (const ie of ies) {
    if (!known.includes(ie.id)) {
      skipped.push(ie.id);
      continue;
    }
    if (found.has(ie.id)) malformed(`IE 0x${hex2(ie.id)} appears twice`);
    found.set(ie.id, ie.body);
  }
  return { found, skipped };
}

/** Checks an IE's length is exactly `length`. */
export function exactLength(id: number, body: Uint8Array, length: number): void {
  if (body.length !== length) malformed(`IE 0x${hex2(id)} is ${body.length} bytes, not ${length}`);
}

export const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** Big-endian field readers and writers over a DataView. */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** 15 printable ASCII characters at `at`; `digits` requires them to be 0–9. */
export function readImei(body: Uint8Array, at: number, digits: boolean): string {
  const raw = body.subarray(at, at + 15);
  for (const b of raw) {
    const bad = digits ? b < 0x30 || b > 0x39 : b < 0x20 || b > 0x7e;
    if (bad) malformed(`IMEI bytes are not ${digits ? 'digits' : 'printable ASCII'}`);
  }
  return String.fromCharCode(...raw);
}

/** Writes a 15-character ASCII IMEI. @throws RangeError otherwise. */
export function writeImei(out: Uint8Array, at: number, imei: string): void {
  if (imei.length !== 15 || !/^[\x20-\x7e]{15}$/.test(imei)) {
    throw new RangeError(`IMEI must be 15 printable ASCII characters, got ${JSON.stringify(imei)}`);
  }
  for (let i = 0; i < 15; i++) out[at + i] = imei.charCodeAt(i);
}

/** A field to write: an integer 0..`max`. @throws RangeError otherwise. */
export function uint(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} ${value} is not 0..${max}`);
  return value;
}

/**
 * A decoded MO or MT payload IE: 1..`max` bytes, copied out of the message.
 *
 * @throws KitError DIRECTIP_MALFORMED for an empty or oversized payload.
 */
export function readPayload(direction: 'MO' | 'MT', body: Uint8Array, max: number): Uint8Array {
  if (body.length < 1 || body.length > max) malformed(`${direction} payload of ${body.length} bytes`);
  return Uint8Array.from(body);
}

/**
 * An MO or MT payload IE to encode.
 *
 * @throws RangeError unless the payload is 1..`max` bytes.
 */
export function payloadElement(
  direction: 'MO' | 'MT',
  id: number,
  payload: Uint8Array,
  max: number,
): InformationElement {
  if (payload.length < 1 || payload.length > max) {
    throw new RangeError(`${direction} payload of ${payload.length} bytes is not 1..${max}`);
  }
  return { id, body: payload };
}

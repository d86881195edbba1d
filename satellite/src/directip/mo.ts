/**
 * DirectIP mobile-originated messages (docs/iridium.md §3.3, §3.4, §7.5): the gateway's MO
 * message (header IE 0x01, payload 0x02, location 0x03) and the vendor's optional confirmation
 * (0x05).
 *
 * Strict: every IE has its exact length (the header 28, the location 11, not the guide's 20), the
 * header is there exactly once, no known IE twice; IEs may come in any order and unknown ones are
 * skipped by their length. The payload is absent for mailbox checks and failed sessions.
 */
import {
  decodeMessage,
  encodeMessage,
  exactLength,
  type InformationElement,
  malformed,
  payloadElement,
  pickElements,
  readImei,
  readPayload,
  uint,
  view,
  writeImei,
} from './message.js';

export const MO_HEADER_IE = 0x01;
export const MO_PAYLOAD_IE = 0x02;
export const MO_LOCATION_IE = 0x03;
export const MO_CONFIRMATION_IE = 0x05;
export const MO_HEADER_BYTES = 28;
export const MO_LOCATION_BYTES = 11;
/** The protocol's MO payload limit (a 9602/9603 sends at most 340). */
export const MAX_MO_PAYLOAD = 1960;

/** MO header IE (0x01). */
export interface MoHeader {
  /** The gateway's call detail record reference (auto ID), u32. */
  cdrReference: number;
  /** 15 digits. */
  imei: string;
  /** 0 ok, 1 MT too large, 2 location unacceptable, 10 timeout, 12 MO too large, 13 RF loss, … */
  sessionStatus: number;
  momsn: number;
  /** 0 if no MT message was attempted. */
  mtmsn: number;
  /** Time of the session, Unix seconds. */
  sessionTime: number;
}

/**
 * MO location IE (0x03), field by field as on the wire: unsigned degrees and thousandths of a
 * minute, the hemisphere in two flag bits, and the CEP radius in km.
 */
export interface MoLocation {
  /** NSI bit: 1 = South. */
  south: boolean;
  /** EWI bit: 1 = West. */
  west: boolean;
  latDegrees: number;
  /** Thousandths of a minute, 0–59,999. */
  latMinuteThousandths: number;
  lonDegrees: number;
  lonMinuteThousandths: number;
  /** Radius (km) of the circle the unit is in with 80 % probability. */
  cepKm: number;
}

export interface MoMessage {
  header: MoHeader;
  payload?: Uint8Array;
  location?: MoLocation;
  /** Ids of IEs that were skipped (unknown, or the confirmation IE in an MO message). */
  skipped?: number[];
}

function decodeHeader(body: Uint8Array): MoHeader {
  exactLength(MO_HEADER_IE, body, MO_HEADER_BYTES);
  const v = view(body);
  return {
    cdrReference: v.getUint32(0),
    imei: readImei(body, 4, true),
    sessionStatus: v.getUint8(19),
    momsn: v.getUint16(20),
    mtmsn: v.getUint16(22),
    sessionTime: v.getUint32(24),
  };
}

function decodeLocation(body: Uint8Array): MoLocation {
  exactLength(MO_LOCATION_IE, body, MO_LOCATION_BYTES);
  const v = view(body);
  const flags = v.getUint8(0);
  // Bits 3–2 are a format code; only 0 is defined. Bits 7–4 are reserved and ignored.
  if ((flags & 0x0c) !== 0) malformed(`location format code ${(flags >> 2) & 3}, not 0`);
  const loc: MoLocation = {
    south: (flags & 0x02) !== 0,
    west: (flags & 0x01) !== 0,
    latDegrees: v.getUint8(1),
    latMinuteThousandths: v.getUint16(2),
    lonDegrees: v.getUint8(4),
    lonMinuteThousandths: v.getUint16(5),
    cepKm: v.getUint32(7),
  };
  if (loc.latDegrees > 90 || loc.lonDegrees > 180)
    malformed(`location degrees ${loc.latDegrees}, ${loc.lonDegrees}`);
  if (loc.latMinuteThousandths > 59_999 || loc.lonMinuteThousandths > 59_999)
    malformed('location minutes over 59.999');
  return loc;
}

/**
 * Decodes a gateway's MO message.
 *
 * @throws KitError DIRECTIP_MALFORMED for anything but the structure above.
 */
export function decodeMo(bytes: Uint8Array): MoMessage {
  const { found, skipped } = pickElements(decodeMessage(bytes), [
    MO_HEADER_IE,
    MO_PAYLOAD_IE,
    MO_LOCATION_IE,
  ]);
  const header = found.get(MO_HEADER_IE);
  if (header === undefined) malformed('MO message without a header IE');
  const message: MoMessage = { header: decodeHeader(header) };
  const payload = found.get(MO_PAYLOAD_IE);
  if (payload !== undefined) message.payload = readPayload('MO', payload, MAX_MO_PAYLOAD);
  const location = found.get(MO_LOCATION_IE);
  if (location !== undefined) message.location = decodeLocation(location);
  if (skipped.length > 0) message.skipped = skipped;
  return message;
}

/**
 * Encodes an MO message: header, then location, then payload (the order of a real capture).
 *
 * @throws RangeError for a field out of its range.
 */
export function encodeMo(message: MoMessage): Uint8Array {
  const { header: h } = message;
  const header = new Uint8Array(MO_HEADER_BYTES);
  const hv = view(header);
  hv.setUint32(0, uint('cdrReference', h.cdrReference, 0xffff_ffff));
  if (!/^\d{15}$/.test(h.imei))
    throw new RangeError(`MO IMEI must be 15 digits, got ${JSON.stringify(h.imei)}`);
  writeImei(header, 4, h.imei);
  hv.setUint8(19, uint('sessionStatus', h.sessionStatus, 0xff));
  hv.setUint16(20, uint('momsn', h.momsn, 0xffff));
  hv.setUint16(22, uint('mtmsn', h.mtmsn, 0xffff));
  hv.setUint32(24, uint('sessionTime', h.sessionTime, 0xffff_ffff));
  const ies: InformationElement[] = [{ id: MO_HEADER_IE, body: header }];
  if (message.location) {
    const l = message.location;
    const body = new Uint8Array(MO_LOCATION_BYTES);
    const lv = view(body);
    lv.setUint8(0, (l.south ? 0x02 : 0) | (l.west ? 0x01 : 0));
    lv.setUint8(1, uint('latDegrees', l.latDegrees, 90));
    lv.setUint16(2, uint('latMinuteThousandths', l.latMinuteThousandths, 59_999));
    lv.setUint8(4, uint('lonDegrees', l.lonDegrees, 180));
    lv.setUint16(5, uint('lonMinuteThousandths', l.lonMinuteThousandths, 59_999));
    lv.setUint32(7, uint('cepKm', l.cepKm, 0xffff_ffff));
    ies.push({ id: MO_LOCATION_IE, body });
  }
  if (message.payload !== undefined)
    ies.push(payloadElement('MO', MO_PAYLOAD_IE, message.payload, MAX_MO_PAYLOAD));
  return encodeMessage(ies);
}

/** Signed decimal degrees of a location (South and West negative). */
export function locationDegrees(loc: MoLocation): { latitude: number; longitude: number } {
  const lat = loc.latDegrees + loc.latMinuteThousandths / 60_000;
  const lon = loc.lonDegrees + loc.lonMinuteThousandths / 60_000;
  return { latitude: loc.south ? -lat : lat, longitude: loc.west ? -lon : lon };
}

/** The location IE fields for signed decimal degrees, to the nearest thousandth of a minute. */
export function locationFromDegrees(latitude: number, longitude: number, cepKm: number): MoLocation {
  const split = (deg: number, max: number): [number, number] => {
    let whole = Math.floor(Math.abs(deg));
    let thousandths = Math.round((Math.abs(deg) - whole) * 60_000);
    if (thousandths === 60_000) {
      whole += 1;
      thousandths = 0;
    }
    if (whole > max) throw new RangeError(`${deg} degrees is out of range`);
    return [whole, thousandths];
  };
  const [latDegrees, latMinuteThousandths] = split(latitude, 90);
  const [lonDegrees, lonMinuteThousandths] = split(longitude, 180);
  return {
    south: latitude < 0,
    west: longitude < 0,
    latDegrees,
    latMinuteThousandths,
    lonDegrees,
    lonMinuteThousandths,
    cepKm: Math.round(cepKm),
  };
}

/** The vendor's MO confirmation: exactly `01 00 04 05 00 01 01` (success) or `… 00` (failure). */
export function encodeMoConfirmation(success: boolean): Uint8Array {
  return encodeMessage([{ id: MO_CONFIRMATION_IE, body: Uint8Array.of(success ? 1 : 0) }]);
}

/**
 * Decodes an MO confirmation: true for success.
 *
 * @throws KitError DIRECTIP_MALFORMED unless it is one confirmation IE of one byte, 0 or 1
 *   (castelao's ASCII '1' revision byte, 0x31, is refused).
 */
export function decodeMoConfirmation(bytes: Uint8Array): boolean {
  const ies = decodeMessage(bytes);
  const ie = ies[0];
  if (ies.length !== 1 || ie?.id !== MO_CONFIRMATION_IE) malformed('an MO confirmation is one IE 0x05');
  exactLength(MO_CONFIRMATION_IE, ie.body, 1);
  const status = ie.body[0] as number;
  if (status > 1) malformed(`MO confirmation status ${status}, not 0 or 1`);
  return status === 1;
}

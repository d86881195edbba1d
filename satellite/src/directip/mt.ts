/**
 * DirectIP mobile-terminated messages (docs/iridium.md §3.3, §3.4, §7.5): the vendor's MT
 * message (header IE 0x41 with the disposition flags, payload 0x42, priority 0x46) and the
 * gateway's MT confirmation (0x44) with its status codes.
 *
 * Strict like the MO side: exact IE lengths (header 21, priority 2, confirmation 25), the header
 * or confirmation exactly once, any IE order, unknown IEs skipped by length.
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

export const MT_HEADER_IE = 0x41;
export const MT_PAYLOAD_IE = 0x42;
export const MT_CONFIRMATION_IE = 0x44;
export const MT_PRIORITY_IE = 0x46;
export const MT_HEADER_BYTES = 21;
export const MT_CONFIRMATION_BYTES = 25;
/** The protocol's MT payload limit; a 9602/9603 takes at most 270. */
export const MAX_MT_PAYLOAD = 1890;

/** MT disposition flags (header bytes 19–20). */
export const MT_FLAG = {
  /** Delete every queued MT message for the IMEI (then queue the payload, if any). */
  flushQueue: 0x0001,
  /** A ring alert without a message; a payload with it is a protocol error. */
  sendRingAlert: 0x0002,
  /** Update the SSD location (needs lat/lon; not used by fieldnode). */
  updateLocation: 0x0008,
  /** Use the priority IE. */
  highPriority: 0x0010,
  /** Use the client message id (1–65535) as the MTMSN; needs a payload. */
  assignMtmsn: 0x0020,
} as const;

/** MT header IE (0x41). */
export interface MtHeader {
  /** Opaque 4 bytes as a u32 ("Msg1" = 0x4d736731); the MTMSN when Assign MTMSN is set. */
  clientMessageId: number;
  /** 15 characters (digits, for a valid IMEI). */
  imei: string;
  /** Disposition flags, MT_FLAG bits. */
  flags: number;
}

export interface MtMessage {
  header: MtHeader;
  payload?: Uint8Array;
  /** 1 (highest) … 5; with the highPriority flag. */
  priority?: number;
  skipped?: number[];
}

/** MT confirmation IE (0x44). */
export interface MtConfirmation {
  clientMessageId: number;
  imei: string;
  /** The gateway's auto ID for the message; 0 on error. */
  autoIdReference: number;
  /** 1–50: queued at that position; 0: done, no payload; negative: an error (MT_STATUS). */
  status: number;
}

/**
 * Why a flag combination is not allowed, or undefined (§3.3: Flush+RingAlert and
 * Flush+AssignMTMSN are allowed; RingAlert and AssignMTMSN exclude each other; a ring alert
 * carries no payload; Assign MTMSN needs one).
 */
export function mtFlagProblem(flags: number, hasPayload: boolean): string | undefined {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff) return `flags ${flags} are not a u16`;
  if (flags & 0x0004) return 'flag bit 2 is undefined';
  const ring = (flags & MT_FLAG.sendRingAlert) !== 0;
  const assign = (flags & MT_FLAG.assignMtmsn) !== 0;
  if (ring && assign) return 'Send Ring Alert and Assign MTMSN exclude each other';
  if (ring && hasPayload) return 'Send Ring Alert carries no payload';
  if (assign && !hasPayload) return 'Assign MTMSN needs a payload';
  return undefined;
}

/** What a confirmation status means for the sender. */
export interface MtStatusMeaning {
  ok: boolean;
  description: string;
  /** For failures: whether the same message can succeed later. */
  retry?: 'later' | 'never';
}

/** The §3.3 status table (−12 from castelao/DirectIP, not in guide v3.0 [U]). */
export const MT_STATUS: Readonly<Record<number, MtStatusMeaning>> = {
  0: { ok: true, description: 'success, no payload' },
  [-1]: { ok: false, description: 'invalid IMEI', retry: 'never' },
  [-2]: { ok: false, description: 'unknown IMEI (not provisioned)', retry: 'never' },
  [-3]: { ok: false, description: 'payload size exceeded maximum', retry: 'never' },
  [-4]: { ok: false, description: 'payload expected, none received', retry: 'never' },
  [-5]: { ok: false, description: 'MT queue full (max 50)', retry: 'later' },
  [-6]: { ok: false, description: 'MT resources unavailable', retry: 'later' },
  [-7]: { ok: false, description: 'violation of MT DirectIP protocol', retry: 'never' },
  [-8]: { ok: false, description: 'ring alerts to this IMEI disabled', retry: 'later' },
  [-9]: { ok: false, description: 'IMEI not attached', retry: 'later' },
  [-10]: { ok: false, description: 'source IP rejected by MT filter', retry: 'later' },
  [-11]: { ok: false, description: 'MTMSN out of range', retry: 'never' },
  [-12]: { ok: false, description: 'client certificate rejected by MT filter', retry: 'later' },
};

export function mtStatusMeaning(status: number): MtStatusMeaning {
  if (status >= 1 && status <= 50) return { ok: true, description: `queued at position ${status}` };
  return MT_STATUS[status] ?? { ok: false, description: `undocumented status ${status}`, retry: 'later' };
}

/**
 * Decodes a vendor's MT message (the gateway side). Flag combinations are not checked here: a
 * gateway answers them with status −7, which needs the header decoded.
 *
 * @throws KitError DIRECTIP_MALFORMED for a structure other than the above.
 */
export function decodeMt(bytes: Uint8Array): MtMessage {
  const ies = decodeMessage(bytes);
  const { found, skipped } = pickElements(ies, [MT_HEADER_IE, MT_PAYLOAD_IE, MT_PRIORITY_IE]);
  const header = found.get(MT_HEADER_IE);
  if (header === undefined) malformed('MT message without a header IE');
  exactLength(MT_HEADER_IE, header, MT_HEADER_BYTES);
  const hv = view(header);
  const message: MtMessage = {
    header: { clientMessageId: hv.getUint32(0), imei: readImei(header, 4, false), flags: hv.getUint16(19) },
  };
  const payload = found.get(MT_PAYLOAD_IE);
  if (payload !== undefined) message.payload = readPayload('MT', payload, MAX_MT_PAYLOAD);
  const priority = found.get(MT_PRIORITY_IE);
  if (priority !== undefined) {
    exactLength(MT_PRIORITY_IE, priority, 2);
    message.priority = view(priority).getUint16(0);
  }
  if (skipped.length > 0) message.skipped = skipped;
  return message;
}

/**
 * Encodes an MT message: header, payload, priority.
 *
 * @throws RangeError for a field out of range or a flag combination §3.3 forbids.
 */
export function encodeMt(message: MtMessage): Uint8Array {
  const { header: h } = message;
  const problem = mtFlagProblem(h.flags, message.payload !== undefined);
  if (problem) throw new RangeError(`MT flags: ${problem}`);
  const header = new Uint8Array(MT_HEADER_BYTES);
  const hv = view(header);
  hv.setUint32(0, uint('clientMessageId', h.clientMessageId, 0xffff_ffff));
  writeImei(header, 4, h.imei);
  hv.setUint16(19, h.flags);
  const ies: InformationElement[] = [{ id: MT_HEADER_IE, body: header }];
  if (message.payload !== undefined)
    ies.push(payloadElement('MT', MT_PAYLOAD_IE, message.payload, MAX_MT_PAYLOAD));
  if (message.priority !== undefined) {
    const body = new Uint8Array(2);
    view(body).setUint16(0, uint('priority', message.priority, 0xffff));
    ies.push({ id: MT_PRIORITY_IE, body });
  }
  return encodeMessage(ies);
}

/**
 * Decodes the gateway's MT confirmation.
 *
 * @throws KitError DIRECTIP_MALFORMED unless it holds exactly one 25-byte confirmation IE.
 */
export function decodeMtConfirmation(bytes: Uint8Array): MtConfirmation {
  const { found } = pickElements(decodeMessage(bytes), [MT_CONFIRMATION_IE]);
  const body = found.get(MT_CONFIRMATION_IE);
  if (body === undefined) malformed('MT confirmation without a confirmation IE');
  exactLength(MT_CONFIRMATION_IE, body, MT_CONFIRMATION_BYTES);
  const v = view(body);
  return {
    clientMessageId: v.getUint32(0),
    imei: readImei(body, 4, false),
    autoIdReference: v.getUint32(19),
    status: v.getInt16(23),
  };
}

/** Encodes an MT confirmation (the gateway simulator's answer). */
export function encodeMtConfirmation(c: MtConfirmation): Uint8Array {
  const body = new Uint8Array(MT_CONFIRMATION_BYTES);
  const v = view(body);
  v.setUint32(0, uint('clientMessageId', c.clientMessageId, 0xffff_ffff));
  writeImei(body, 4, c.imei);
  v.setUint32(19, uint('autoIdReference', c.autoIdReference, 0xffff_ffff));
  if (!Number.isInteger(c.status) || c.status < -32_768 || c.status > 32_767) {
    throw new RangeError(`status ${c.status} is not an i16`);
  }
  v.setInt16(23, c.status);
  return encodeMessage([{ id: MT_CONFIRMATION_IE, body }]);
}

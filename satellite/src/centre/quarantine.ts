/**
 * Satellite deliveries that the carrier authenticated but that cannot be handed on as a frame
 * (docs/iridium.md §2.1, §2.2, §7.5; docs/centre-doors.md §What the doors keep): a RockBLOCK push
 * whose token verifies but whose claims are not the documented shape (no IMEI of 15 digits, no
 * MOMSN, data that is not hex…). Whether a payload is a fieldnode frame is not decided here: every
 * payload in the documented shape goes on to the core, which keeps those that are not
 * (node/src/core/foreign-payloads.ts).
 *
 * What is kept here was acknowledged to the carrier, so it must not be lost: the receiver hands each
 * to its `quarantine` listeners, and the composition root appends it to the same durable file as
 * the core's foreign payloads (`fieldnode foreign list`). So it is built here in that file's shape:
 * the sender's address, the payload as hex, and what the carrier said of it under the keys every
 * satellite door uses (`carrier`, `momsn`, `sessionTime`, `latitude`, `longitude`, `cepKm`), as
 * far as the claims can be read, with the claims themselves, whole, under `claims`.
 */
import { claimNumber, claimText, hexToBytes, parseTransmitTime } from '../rockblock/push-claims.js';

/** One kept delivery and where it came from. */
export interface QuarantinedPayload {
  /** The carrier: 'rockblock' (a web push). */
  via: 'rockblock';
  /** Why it was kept aside: 'unexpected-claims' (a signed push in an unexpected shape). */
  reason: 'unexpected-claims';
  /** What is wrong with the claims, for the operator. */
  detail: string;
  /** The sending device's address as the claims give it (any text: it is not checked). */
  from?: string;
  /** The payload as hex: the `data` claim when it is hex, else empty (the claim is in `source.claims`). */
  hex: string;
  /**
   * What the carrier said, JSON-safe: `carrier`, and `momsn`, `sessionTime` (Unix ms),
   * `latitude`, `longitude` and `cepKm` where the claims hold them readably, and `claims`, the
   * verified claims as they came.
   */
  source: Readonly<Record<string, unknown>>;
  /** Unix ms. */
  receivedAt: number;
}

/** The kept record of a push whose verified `claims` are not the documented shape. */
export function quarantinedPush(
  claims: Readonly<Record<string, unknown>>,
  detail: string,
  receivedAt: number,
): QuarantinedPayload {
  const from = claimText(claims.imei);
  const data = typeof claims.data === 'string' ? hexToBytes(claims.data) : undefined;
  const transmitTime = claimText(claims.transmit_time);
  const sessionTime = transmitTime === undefined ? undefined : parseTransmitTime(transmitTime);
  const readable: Record<string, unknown> = {
    momsn: claimNumber(claims.momsn),
    sessionTime,
    latitude: claimNumber(claims.iridium_latitude),
    longitude: claimNumber(claims.iridium_longitude),
    cepKm: claimNumber(claims.iridium_cep),
  };
  const source: Record<string, unknown> = { carrier: 'rockblock' };
  for (const [k, v] of Object.entries(readable)) if (v !== undefined) source[k] = v;
  source.claims = claims;
  return {
    via: 'rockblock',
    reason: 'unexpected-claims',
    detail,
    ...(from === undefined ? {} : { from }),
    hex: data === undefined ? '' : Buffer.from(data).toString('hex'),
    source,
    receivedAt,
  };
}

/**
 * LoRa time on air and the PHY size of a Meshtastic PRIVATE_APP packet
 * (docs/meshtastic.md §2.2, §2.4, §4.1–§4.3).
 *
 * The formula is Semtech's (LoRa Design Guide §4; SX127x/SX126x datasheets) as the firmware uses
 * it in `RadioInterface::getPacketTime` (§4.2): explicit header, CRC on, a 16-symbol preamble,
 * low-data-rate optimisation when a symbol lasts longer than 16 ms. Airtime decides how long the
 * channel is busy and how much of the duty-cycle budget a message spends, so the scheduler uses it
 * to pick between one large frame and several small ones.
 */
import { varintLength } from '../../../node/src/wire/varint.js';

/** LoRa modulation parameters. */
export interface LoraParams {
  /** Spreading factor, 6–12. */
  sf: number;
  /** Bandwidth, Hz (250000 for 250 kHz). */
  bandwidthHz: number;
  /** Coding rate denominator: 5 for 4/5 … 8 for 4/8 (the firmware's `cr`, Semtech's CR + 4). */
  codingRate: 5 | 6 | 7 | 8;
  /** Preamble length in symbols. Defaults to 16, the Meshtastic value (§4.1). */
  preambleSymbols?: number;
}

/** Meshtastic modem presets (§4.1). LONG_FAST is the firmware default. */
export const LONG_FAST: LoraParams = { sf: 11, bandwidthHz: 250_000, codingRate: 5 };
/** Deprecated in firmware 2.7, still found on deployed meshes. */
export const LONG_SLOW: LoraParams = { sf: 12, bandwidthHz: 125_000, codingRate: 8 };
export const LONG_MODERATE: LoraParams = { sf: 11, bandwidthHz: 125_000, codingRate: 8 };
export const MEDIUM_FAST: LoraParams = { sf: 9, bandwidthHz: 250_000, codingRate: 5 };
export const SHORT_FAST: LoraParams = { sf: 7, bandwidthHz: 250_000, codingRate: 5 };

/** Largest LoRa PHY payload (`MAX_LORA_PAYLOAD_LEN`, §2.4). */
export const LORA_MAX_PHY_BYTES = 255;

/** Meshtastic's unencrypted packet header: to, from, id (4 each), flags, channel hash, next_hop, relay_node (§2.4). */
const MESHTASTIC_HEADER_BYTES = 16;
/** Curve25519 PKI DMs add a 12-byte overhead (`MESHTASTIC_PKC_OVERHEAD`, §2.4). */
const MESHTASTIC_PKI_BYTES = 12;

/**
 * Time on air of one LoRa packet with `phyPayloadBytes` of payload, in milliseconds (unrounded).
 *
 * @throws RangeError for a negative or non-integer payload length or parameters out of range.
 */
export function loraTimeOnAirMs(phyPayloadBytes: number, params: LoraParams): number {
  const { sf, bandwidthHz, codingRate, preambleSymbols = 16 } = params;
  if (!Number.isInteger(phyPayloadBytes) || phyPayloadBytes < 0) {
    throw new RangeError(`phyPayloadBytes must be a non-negative integer, got ${phyPayloadBytes}`);
  }
  if (!Number.isInteger(sf) || sf < 6 || sf > 12) throw new RangeError(`sf must be 6–12, got ${sf}`);
  if (!(bandwidthHz > 0)) throw new RangeError(`bandwidthHz must be > 0, got ${bandwidthHz}`);
  if (!Number.isInteger(preambleSymbols) || preambleSymbols < 0) {
    throw new RangeError(`preambleSymbols must be a non-negative integer, got ${preambleSymbols}`);
  }
  const symbolMs = (2 ** sf / bandwidthHz) * 1000;
  const lowDataRate = symbolMs > 16 ? 1 : 0;
  const crc = 1;
  const implicitHeader = 0;
  const preambleMs = (preambleSymbols + 4.25) * symbolMs;
  const bits = 8 * phyPayloadBytes - 4 * sf + 28 + 16 * crc - 20 * implicitHeader;
  const payloadSymbols = 8 + Math.max(Math.ceil(bits / (4 * (sf - 2 * lowDataRate))) * codingRate, 0);
  return preambleMs + payloadSymbols * symbolMs;
}

/**
 * PHY bytes of a Meshtastic packet carrying `appPayloadBytes` on portnum 256 (PRIVATE_APP),
 * channel-encrypted, or a PKI DM with `pki: true` (§2.2, §2.4). Agrees with §2.4's table:
 * 50 → 73, 100 → 123, 200 → 224. Compare the result with LORA_MAX_PHY_BYTES; the device also
 * drops any payload over 233 bytes (`DATA_PAYLOAD_LEN`).
 *
 * The encoded `Data` protobuf for a 50-byte payload is 57 bytes:
 * - `08 80 02`: field 1 (portnum) tag, then 256 as a 2-byte varint — 3 bytes;
 * - `12 32`: field 2 (payload) tag, then the length as a varint (2 bytes from 128 up) — 2 bytes;
 * - the 50 payload bytes;
 * - `48 01`: field 9 (`bitfield`), which the firmware always sets on packets it originates
 *   (bit 0 ok_to_mqtt; want_response is off for our portnum) — 2 bytes.
 * Then the 16-byte header, and 12 more for PKI. AES-CTR channel encryption adds nothing.
 *
 * @throws RangeError for a negative or non-integer length.
 */
export function meshtasticPhyBytes(appPayloadBytes: number, opts: { pki?: boolean } = {}): number {
  if (!Number.isInteger(appPayloadBytes) || appPayloadBytes < 0) {
    throw new RangeError(`appPayloadBytes must be a non-negative integer, got ${appPayloadBytes}`);
  }
  const portnum = 1 + varintLength(256);
  // proto3 leaves an empty bytes field out entirely.
  const payload = appPayloadBytes === 0 ? 0 : 1 + varintLength(appPayloadBytes) + appPayloadBytes;
  const bitfield = 1 + 1;
  const data = portnum + payload + bitfield;
  return MESHTASTIC_HEADER_BYTES + data + (opts.pki === true ? MESHTASTIC_PKI_BYTES : 0);
}

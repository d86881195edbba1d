/**
 * How long the firmware may take to answer a `want_ack` packet (docs/meshtastic.md §2.5,
 * §4.1, §4.2), so the adapter waits longer than the firmware's own retransmissions before it calls
 * a send TIMEOUT.
 *
 * The firmware (NextHopRouter/ReliableRouter, 2.6.11) makes 3 transmissions in total
 * (`NUM_RELIABLE_RETX`), one retransmission interval apart, and sends NAK `MAX_RETRANSMIT` one
 * interval after the last, so the NAK comes about 3 intervals after the packet was queued. The
 * interval is `RadioInterface::getRetransmissionMsec`:
 *
 *   2·airtime(packet) + (2^CW + 2·CWmax + 2^⌊(CWmin+CWmax)/2⌋)·slotTime + 4500 ms
 *
 * with CWmin 3, CWmax 8, CW growing with channel utilisation, and slotTime = 2.5·Tsym + 7.6 ms.
 * The worst case (CW = CWmax, a busy channel) is used here.
 */
import { type LoraParams, loraTimeOnAirMs, meshtasticPhyBytes } from '../lora/airtime.js';
import { ModemPreset } from './constants.js';

/** Transmissions of a packet we originate with want_ack (original + 2 retransmissions). */
export const NUM_RELIABLE_RETX = 3;
/** Contention window exponents (`RadioInterface.h`). */
export const CW_MIN = 3;
export const CW_MAX = 8;
/** `PROCESSING_TIME_MSEC`. */
export const PROCESSING_TIME_MS = 4500;

/** §4.1: SF, bandwidth and coding rate (4/x → x) of each modem preset. */
export const PRESET_PARAMS: Readonly<Record<number, LoraParams>> = {
  [ModemPreset.SHORT_TURBO]: { sf: 7, bandwidthHz: 500_000, codingRate: 5 },
  [ModemPreset.SHORT_FAST]: { sf: 7, bandwidthHz: 250_000, codingRate: 5 },
  [ModemPreset.SHORT_SLOW]: { sf: 8, bandwidthHz: 250_000, codingRate: 5 },
  [ModemPreset.MEDIUM_FAST]: { sf: 9, bandwidthHz: 250_000, codingRate: 5 },
  [ModemPreset.MEDIUM_SLOW]: { sf: 10, bandwidthHz: 250_000, codingRate: 5 },
  [ModemPreset.LONG_TURBO]: { sf: 11, bandwidthHz: 500_000, codingRate: 8 },
  [ModemPreset.LONG_FAST]: { sf: 11, bandwidthHz: 250_000, codingRate: 5 },
  [ModemPreset.LONG_MODERATE]: { sf: 11, bandwidthHz: 125_000, codingRate: 8 },
  [ModemPreset.LONG_SLOW]: { sf: 12, bandwidthHz: 125_000, codingRate: 8 },
  [ModemPreset.VERY_LONG_SLOW]: { sf: 12, bandwidthHz: 62_500, codingRate: 8 },
};

/** The slowest preset in the table: for a preset this build does not know, or no LoRa config. */
export const SLOWEST_PARAMS = PRESET_PARAMS[ModemPreset.VERY_LONG_SLOW] as LoraParams;
const SLOWEST = SLOWEST_PARAMS;

/** The LoRa config fields that decide the modulation (`Config.LoRaConfig`). */
export interface LoraModulation {
  usePreset: boolean;
  modemPreset: number;
  /** kHz; the firmware reads 31, 62, 200, 400, 800 and 1600 as 31.25, 62.5, 203.125, 406.25, 812.5, 1625. */
  bandwidth: number;
  spreadFactor: number;
  codingRate: number;
}

const ODD_BANDWIDTHS: Readonly<Record<number, number>> = {
  31: 31.25,
  62: 62.5,
  200: 203.125,
  400: 406.25,
  800: 812.5,
  1600: 1625,
};

/**
 * The modulation a LoRa config gives. An unknown preset, or custom settings out of range, give the
 * slowest known preset, so a timeout computed from it errs long.
 */
export function modulationOf(lora: LoraModulation): LoraParams {
  if (lora.usePreset) return PRESET_PARAMS[lora.modemPreset] ?? SLOWEST;
  const { spreadFactor: sf, codingRate: cr } = lora;
  const khz = ODD_BANDWIDTHS[lora.bandwidth] ?? lora.bandwidth;
  if (!(sf >= 7 && sf <= 12 && Number.isInteger(sf)) || !(khz > 0) || !(cr >= 5 && cr <= 8)) return SLOWEST;
  return { sf, bandwidthHz: khz * 1000, codingRate: cr as 5 | 6 | 7 | 8 };
}

/** `2.5·Tsym + 7.6 ms`: 28 ms on LONG_FAST, 89 ms on LONG_SLOW. */
export function slotTimeMs(params: LoraParams): number {
  const symbolMs = (2 ** params.sf / params.bandwidthHz) * 1000;
  return 2.5 * symbolMs + 7.6;
}

/** One retransmission interval for a packet of `phyBytes` on air, at contention window `cw`. */
export function retransmissionIntervalMs(params: LoraParams, phyBytes: number, cw = CW_MAX): number {
  const slots = 2 ** cw + 2 * CW_MAX + 2 ** Math.floor((CW_MIN + CW_MAX) / 2);
  return 2 * loraTimeOnAirMs(phyBytes, params) + slots * slotTimeMs(params) + PROCESSING_TIME_MS;
}

/**
 * The latest the firmware sends NAK MAX_RETRANSMIT for a want_ack packet with `payloadBytes` of
 * application payload on our private portnum: 3 worst-case intervals. Counted as a PKI DM (12
 * bytes more on air), the larger case.
 */
export function maxRetransmitMs(params: LoraParams, payloadBytes: number): number {
  const phy = meshtasticPhyBytes(payloadBytes, { pki: true });
  return NUM_RELIABLE_RETX * retransmissionIntervalMs(params, phy);
}

/**
 * The default wait for a Routing answer: a quarter more than {@link maxRetransmitMs}, plus 10 s for
 * the packet's wait in the TX queue and for the NAK to reach the host. About 73 s for 200 bytes on
 * LONG_FAST, 230 s on LONG_SLOW.
 */
export function defaultAckTimeoutMs(params: LoraParams, payloadBytes: number): number {
  return Math.ceil(1.25 * maxRetransmitMs(params, payloadBytes) + 10_000);
}

/** Application payload assumed for a round trip: a report one way, a custody signal back. */
const ROUND_TRIP_PAYLOAD = 120;
/**
 * What a receiver holds its custody signal on a radio channel before it sends it: four receipt
 * delays of 2 s (node/src/core/confirmer.ts CUSTODY_HOLD_DELAYS), for the destination's word to
 * take its place (docs/store-and-forward.md §Airtime on the mesh).
 */
const RECEIVER_BATCHING_MS = 8000;

/**
 * The least time a confirmation from `hops` relays away takes on this modulation: out and back,
 * each hop one transmission of a mid-sized frame plus the relay's mean contention delay (half the
 * widest window, §2.5, §5.1), plus the receiver's batching, with half again as margin. LONG_FAST,
 * 3 hops: 56 s; LONG_SLOW: about 3 min. The core sends nothing again sooner.
 */
export function meshRoundTripMs(params: LoraParams, hops: number): number {
  const airtime = loraTimeOnAirMs(meshtasticPhyBytes(ROUND_TRIP_PAYLOAD), params);
  const contention = (2 ** CW_MAX / 2) * slotTimeMs(params);
  const perHop = airtime + contention;
  const oneWay = Math.max(1, hops) * perHop;
  return Math.ceil(1.5 * (2 * oneWay + RECEIVER_BATCHING_MS));
}

/**
 * The firmware's timing rules for a simulated Meshtastic radio (docs/meshtastic.md §2.5,
 * §4.1, §4.3, §5.1): the LoRa parameters of each modem preset, the slot time, the contention
 * windows that decide how long a radio waits before it transmits or relays, and the interval
 * between retransmissions of a packet sent with want_ack.
 *
 * Time on air itself is not computed here: radio/src/lora/airtime.ts has the §4.2 formula.
 * Everything here is a pure function of its arguments (randomness comes in as a `random()`),
 * so the medium and the routers stay deterministic for a seed.
 */
import {
  LONG_FAST,
  LONG_MODERATE,
  LONG_SLOW,
  type LoraParams,
  MEDIUM_FAST,
  SHORT_FAST,
} from '../../src/lora/airtime.js';
import { DeviceRole, ModemPreset } from '../../src/meshtastic/constants.js';

/** §4.1: SF, bandwidth and coding rate of every 2.6/2.7 preset. */
const PRESETS: Readonly<Record<number, { params: LoraParams; name: string }>> = {
  [ModemPreset.SHORT_TURBO]: { params: { sf: 7, bandwidthHz: 500_000, codingRate: 5 }, name: 'ShortTurbo' },
  [ModemPreset.SHORT_FAST]: { params: SHORT_FAST, name: 'ShortFast' },
  [ModemPreset.SHORT_SLOW]: { params: { sf: 8, bandwidthHz: 250_000, codingRate: 5 }, name: 'ShortSlow' },
  [ModemPreset.MEDIUM_FAST]: { params: MEDIUM_FAST, name: 'MediumFast' },
  [ModemPreset.MEDIUM_SLOW]: { params: { sf: 10, bandwidthHz: 250_000, codingRate: 5 }, name: 'MediumSlow' },
  [ModemPreset.LONG_TURBO]: { params: { sf: 11, bandwidthHz: 500_000, codingRate: 8 }, name: 'LongTurbo' },
  [ModemPreset.LONG_FAST]: { params: LONG_FAST, name: 'LongFast' },
  [ModemPreset.LONG_MODERATE]: { params: LONG_MODERATE, name: 'LongMod' },
  [ModemPreset.LONG_SLOW]: { params: LONG_SLOW, name: 'LongSlow' },
  [ModemPreset.VERY_LONG_SLOW]: { params: { sf: 12, bandwidthHz: 62_500, codingRate: 8 }, name: 'VLongSlow' },
};

/**
 * The LoRa parameters of a modem preset (§4.1).
 *
 * @throws RangeError for a value that is not a ModemPreset.
 */
export function presetParams(preset: number): LoraParams {
  const p = PRESETS[preset];
  if (p === undefined) throw new RangeError(`unknown modem preset ${preset}`);
  return p.params;
}

/**
 * The preset's display name, which the firmware uses as the primary channel's name when the
 * channel has none ("LongFast", §4.5). Names other than LongFast and LongSlow are from memory of
 * the firmware's display formatter [U].
 */
export function presetName(preset: number): string {
  const p = PRESETS[preset];
  if (p === undefined) throw new RangeError(`unknown modem preset ${preset}`);
  return p.name;
}

/** One LoRa symbol, ms (§4.2: Tsym = 2^SF / BW). */
export function symbolMs(params: LoraParams): number {
  return (2 ** params.sf / params.bandwidthHz) * 1000;
}

/**
 * §2.5: slotTime = 2.5·Tsym + 7.6 ms, truncated to whole milliseconds as the firmware's
 * integer `slotTimeMsec` is: 28 ms on LONG_FAST, 89 ms on LONG_SLOW.
 */
export function slotTimeMs(params: LoraParams): number {
  return Math.floor(2.5 * symbolMs(params) + 7.6);
}

/** §2.5, §4.3: the contention window exponent runs from CWmin to CWmax. */
export const CW_MIN = 3;
export const CW_MAX = 8;

/** §2.5: processing allowance in the retransmission interval (`PROCESSING_TIME_MSEC`). */
export const PROCESSING_TIME_MS = 4500;

/** §2.5: `NUM_RELIABLE_RETX`: transmissions in total of a packet we originate with want_ack. */
export const NUM_RELIABLE_RETX = 3;

/**
 * SNR range mapped onto CWmin..CWmax for the relay delay. The values −20 and +10 dB are from
 * memory of `RadioInterface::getCWsize` [U]; §5.1 only says weak-SNR receivers wait less.
 */
const SNR_MIN = -20;
const SNR_MAX = 10;

/** Arduino's integer `map()`, which truncates toward zero like the firmware's C++ does. */
function intMap(x: number, inMin: number, inMax: number, outMin: number, outMax: number): number {
  return Math.trunc(((Math.trunc(x) - inMin) * (outMax - outMin)) / (inMax - inMin)) + outMin;
}

const clampCw = (cw: number): number => Math.min(CW_MAX, Math.max(CW_MIN, cw));

/** §2.5: the contention window scales with channel utilisation (percent, 0–100). */
export function cwFromUtilization(utilizationPercent: number): number {
  return clampCw(intMap(utilizationPercent, 0, 100, CW_MIN, CW_MAX));
}

/** §5.1: the relay window grows with the SNR the packet was received at, so distant nodes go first. */
export function cwFromSnr(snr: number): number {
  return clampCw(intMap(snr, SNR_MIN, SNR_MAX, CW_MIN, CW_MAX));
}

/** Arduino `random(0, n)`: an integer in [0, n). */
const randomBelow = (random: () => number, n: number): number => Math.floor(random() * n);

/**
 * §4.3 "Contention": the delay before a packet of our own (or a retry after a busy channel):
 * random(0, 2^CW)·slotTime with CW from the channel utilisation.
 */
export function txDelayMs(random: () => number, utilizationPercent: number, slotMs: number): number {
  return randomBelow(random, 2 ** cwFromUtilization(utilizationPercent)) * slotMs;
}

/**
 * §5.1: the SNR-weighted delay before a relay. ROUTER and REPEATER draw from the short window
 * random(0, 2·CW)·slot; every other role waits out 2·CWmax slots first and then draws from
 * random(0, 2^CW)·slot, so routers get on air before clients (the exact ROUTER window is from
 * memory of `getTxDelayMsecWeighted` [U]).
 */
export function relayDelayMs(random: () => number, role: number, snr: number, slotMs: number): number {
  const cw = cwFromSnr(snr);
  if (role === DeviceRole.ROUTER || role === DeviceRole.REPEATER) return randomBelow(random, 2 * cw) * slotMs;
  return 2 * CW_MAX * slotMs + randomBelow(random, 2 ** cw) * slotMs;
}

/**
 * §5.1 ROUTER_LATE: on hearing another node relay first it does not cancel but moves its own
 * relay to the end of the window every client could still be using: 2·CWmax + 2^CWmax slots
 * from now [U: the firmware's `clampToLateRebroadcastWindow` is not in the document].
 */
export function lateWindowMs(slotMs: number): number {
  return (2 * CW_MAX + 2 ** CW_MAX) * slotMs;
}

/**
 * §2.5 `getRetransmissionMsec`: 2·airtime + (2^CW + 2·CWmax + 2^((CWmin+CWmax)/2))·slotTime
 * + 4500 ms, with CW from the channel utilisation and the integer halving the firmware does
 * ((3+8)/2 = 5). 8.4 s for 100 B on LONG_FAST and 24 s on LONG_SLOW at an idle channel.
 */
export function retransmissionIntervalMs(
  airtimeMs: number,
  slotMs: number,
  utilizationPercent: number,
): number {
  const cw = cwFromUtilization(utilizationPercent);
  const slots = 2 ** cw + 2 * CW_MAX + 2 ** Math.trunc((CW_MIN + CW_MAX) / 2);
  return 2 * airtimeMs + slots * slotMs + PROCESSING_TIME_MS;
}

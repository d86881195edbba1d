/**
 * Links from positions, for the RF medium (rf-medium.ts): a log-distance path-loss model that
 * turns the distance between two radios into RSSI, SNR, whether they hear each other at all and
 * how often a packet is lost near the edge of range (docs/meshtastic.md §4.1 link budget).
 *
 * The model (a simulation choice, not measured):
 * - path loss PL(d) = PL(1 m) + 10·n·log10(d / 1 m), with PL(1 m) the free-space loss at the
 *   carrier (31.2 dB at 868 MHz) and exponent n (2 = free space; 3, the default, is open
 *   ground with obstacles; 4 is dense terrain);
 * - RSSI = TX power + antenna gains − PL; noise floor = −174 dBm/Hz + 10·log10(BW) + noise figure;
 *   SNR = RSSI − noise floor;
 * - a link exists when the SNR is above the demodulation limit of the spreading factor
 *   (SF7 −7.5 dB … SF12 −20 dB, 2.5 dB a step, Semtech's datasheet figures);
 * - within `fadeMarginDb` of that limit the loss probability rises linearly from 0 to 1, so the
 *   edge of range is unreliable instead of a cliff.
 * With the defaults (20 dBm, 0 dBi, n = 3, 6 dB noise figure) LONG_FAST reaches about 10.2 km and
 * SHORT_FAST about 4.7 km: ground-level figures, not mountain-top ones.
 */
import type { LoraParams } from '../../src/lora/airtime.js';
import type { LinkQuality } from './rf-medium.js';

export interface Position {
  /** Metres east of an arbitrary origin. */
  x: number;
  /** Metres north of an arbitrary origin. */
  y: number;
}

export interface PathLossOptions {
  /** Transmit power, dBm. Defaults to 20. */
  txPowerDbm?: number;
  /** Sum of both antenna gains, dBi. Defaults to 0. */
  antennaGainDb?: number;
  /** Path-loss exponent. Defaults to 3. */
  exponent?: number;
  /** Carrier frequency, MHz. Defaults to 868. */
  frequencyMhz?: number;
  /** Receiver noise figure, dB. Defaults to 6. */
  noiseFigureDb?: number;
  /** Loss rises from 0 to 1 over this margin above the SNR limit, dB. Defaults to 3. */
  fadeMarginDb?: number;
}

/** Semtech's SNR demodulation limit for a spreading factor, dB. */
export function snrLimitDb(sf: number): number {
  return -7.5 - 2.5 * (sf - 7);
}

/** The link from a radio to another `distanceM` away, or undefined when it is out of range. */
export function linkAtDistance(
  distanceM: number,
  lora: LoraParams,
  opts: PathLossOptions = {},
): LinkQuality | undefined {
  const txPower = opts.txPowerDbm ?? 20;
  const gain = opts.antennaGainDb ?? 0;
  const n = opts.exponent ?? 3;
  const freq = opts.frequencyMhz ?? 868;
  const nf = opts.noiseFigureDb ?? 6;
  const fade = opts.fadeMarginDb ?? 3;
  const d = Math.max(1, distanceM);
  const pl1m = 20 * Math.log10(freq) - 27.55;
  const rssi = txPower + gain - (pl1m + 10 * n * Math.log10(d));
  const noise = -174 + 10 * Math.log10(lora.bandwidthHz) + nf;
  const snr = rssi - noise;
  const margin = snr - snrLimitDb(lora.sf);
  if (margin < 0) return undefined;
  const loss = fade > 0 ? Math.max(0, 1 - margin / fade) : 0;
  const round1 = (v: number): number => Math.round(v * 10) / 10;
  return { loss, rssi: Math.round(rssi), snr: round1(snr) };
}

/** Every directional link between the positioned radios, in node-number order. */
export function linksFromPositions(
  positions: ReadonlyMap<number, Position>,
  lora: LoraParams,
  opts: PathLossOptions = {},
): Array<{ from: number; to: number; quality: LinkQuality }> {
  const nodes = [...positions.keys()].sort((a, b) => a - b);
  const out: Array<{ from: number; to: number; quality: LinkQuality }> = [];
  for (const from of nodes) {
    for (const to of nodes) {
      if (from === to) continue;
      const a = positions.get(from);
      const b = positions.get(to);
      if (a === undefined || b === undefined) continue;
      const q = linkAtDistance(Math.hypot(a.x - b.x, a.y - b.y), lora, opts);
      if (q !== undefined) out.push({ from, to, quality: q });
    }
  }
  return out;
}

/** `count` positions spread uniformly over a square of `sideM` metres, from the run's PRNG. */
export function randomPositions(count: number, sideM: number, random: () => number): Position[] {
  return Array.from({ length: count }, () => ({ x: random() * sideM, y: random() * sideM }));
}

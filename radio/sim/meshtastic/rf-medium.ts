/**
 * A simulated LoRa channel joining many radios (docs/meshtastic.md §4.2–§4.3, §8.8 item 5
 * "Timing model"). It knows nothing of Meshtastic: it carries bytes from one radio to the radios
 * that can hear it, for as long as LoRa takes to send them.
 *
 * The model:
 * - **Who hears whom** is an explicit, directional link graph. Each link has a loss probability
 *   (drawn once per reception), an RSSI and an SNR. path-loss.ts derives links from positions.
 *   A radio with no link from a transmitter neither hears it nor is disturbed by it.
 * - **Time on air** is Semtech's formula from radio/src/lora/airtime.ts for the channel's one
 *   preset; every radio on a medium uses the same preset and frequency slot.
 * - **Collisions:** two transmissions that overlap in time at a receiver that hears both destroy
 *   each other there. With `captureDb` set, the stronger one survives if its RSSI is at least
 *   that many dB above every signal overlapping it (LoRa's capture effect; off by default).
 * - **Half-duplex:** a radio that transmits at any moment of a reception loses that reception.
 * - **Carrier sense:** `isChannelBusy()` is true while a transmission the radio can hear is on
 *   air and has been for `senseDelayMs` (default 2.5 symbols, the detection part of §2.5's slot
 *   time), so two radios that start within that time still collide.
 * - **Channel utilisation** per radio is the time it spent transmitting or hearing a transmission
 *   over the last minute, which routers turn into contention windows.
 *
 * All randomness comes from the `random()` given, all time from the Clock given: the same seed
 * and the same calls give the same run, event for event.
 */

import type { Clock, Timer } from '../../../node/src/link/clock.js';
import { type LoraParams, loraTimeOnAirMs } from '../../src/lora/airtime.js';
import { MAX_LORA_PAYLOAD_LEN, ModemPreset } from '../../src/meshtastic/constants.js';
import { AirtimeWindow } from './airtime-window.js';
import { presetName, presetParams, slotTimeMs, symbolMs } from './lora-timing.js';

/** One direction of a radio link. */
export interface LinkQuality {
  /** Probability that a reception on this link is lost (fading, noise), 0–1. */
  loss: number;
  /** Received signal strength, dBm. */
  rssi: number;
  /** Signal-to-noise ratio, dB. */
  snr: number;
}

/** Defaults for link fields left out: a good link. */
export const DEFAULT_LINK: LinkQuality = { loss: 0, rssi: -90, snr: 6 };

export interface RfMediumOptions {
  clock: Clock;
  /** The one PRNG of the run (node/src/link/seeded-random.ts). */
  random: () => number;
  /** ModemPreset of the channel. Defaults to LONG_FAST. */
  preset?: number;
  /** LoRa parameters, overriding the preset's (the preset still names the channel). */
  lora?: LoraParams;
  /** Capture threshold, dB; undefined (default) means any overlap destroys both receptions. */
  captureDb?: number;
  /** How long a transmission is on air before others sense it, ms. Defaults to 2.5 symbols. */
  senseDelayMs?: number;
  /** Window of the channel utilisation figure, ms. Defaults to 60 000. */
  utilizationWindowMs?: number;
}

/** What a receiver learns besides the bytes. */
export interface Reception {
  from: number;
  rssi: number;
  snr: number;
  startedAt: number;
}

/** A radio's side of the medium: what it is told. */
export interface RadioHandler {
  receive(bytes: Uint8Array, rx: Reception): void;
  /** Its own transmission has ended (not called after `abort`). */
  transmitDone(): void;
}

/** A radio's handle on the medium: what it can do and ask. */
export interface RadioPort {
  readonly node: number;
  /**
   * Starts sending `bytes` now; returns the time on air, ms.
   *
   * @throws Error if the radio is already transmitting (the caller checks `isTransmitting`).
   */
  transmit(bytes: Uint8Array): number;
  isTransmitting(): boolean;
  /** A transmission this radio can hear is on air (and has been for the sense delay). */
  isChannelBusy(): boolean;
  /** Percent of the last minute this radio transmitted or heard a transmission. */
  channelUtilizationPercent(): number;
  /** Cuts off a transmission in progress (a reboot): nobody receives it. */
  abort(): void;
}

export type DropReason = 'collision' | 'loss' | 'half-duplex' | 'aborted';

export type MediumEvent =
  | { type: 'tx'; at: number; from: number; bytes: number; airtimeMs: number }
  | { type: 'rx'; at: number; from: number; to: number; rssi: number; snr: number }
  | { type: 'drop'; at: number; from: number; to: number; reason: DropReason };

export interface MediumCounters {
  transmissions: number;
  /** Receptions delivered. */
  deliveries: number;
  /** Receptions destroyed by an overlapping transmission (a lost reception that also collided counts here). */
  collisions: number;
  /** Receptions lost to the link's loss probability. */
  losses: number;
  /** Receptions missed because the receiver was transmitting. */
  halfDuplex: number;
  /** Receptions of transmissions cut off by `abort`. */
  aborted: number;
  /** Per radio: transmissions and total time on air, ms. */
  byNode: ReadonlyMap<number, { transmissions: number; airtimeMs: number }>;
}

interface Rx {
  to: number;
  link: LinkQuality;
  lost: boolean;
  fate: DropReason | undefined;
}

interface Tx {
  from: number;
  start: number;
  end: number;
  bytes: Uint8Array;
  rx: Rx[];
  timer: Timer | undefined;
}

interface Radio {
  handler: RadioHandler;
  busy: AirtimeWindow;
  tx: Tx | undefined;
  transmissions: number;
  airtimeMs: number;
}

export class RfMedium {
  readonly lora: LoraParams;
  /** ModemPreset of the channel. */
  readonly preset: number;
  /** The preset's display name, the default primary channel name. */
  readonly presetName: string;
  readonly symbolMs: number;
  readonly slotTimeMs: number;
  readonly senseDelayMs: number;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #captureDb: number | undefined;
  readonly #utilWindowMs: number;
  readonly #links = new Map<number, Map<number, LinkQuality>>();
  readonly #radios = new Map<number, Radio>();
  #active: Tx[] = [];
  readonly #listeners: Array<(e: MediumEvent) => void> = [];
  readonly #count = { transmissions: 0, deliveries: 0, collisions: 0, losses: 0, halfDuplex: 0, aborted: 0 };

  constructor(opts: RfMediumOptions) {
    this.#clock = opts.clock;
    this.#random = opts.random;
    this.preset = opts.preset ?? ModemPreset.LONG_FAST;
    this.presetName = presetName(this.preset);
    this.lora = opts.lora ?? presetParams(this.preset);
    this.symbolMs = symbolMs(this.lora);
    this.slotTimeMs = slotTimeMs(this.lora);
    this.senseDelayMs = opts.senseDelayMs ?? 2.5 * this.symbolMs;
    this.#captureDb = opts.captureDb;
    this.#utilWindowMs = opts.utilizationWindowMs ?? 60_000;
  }

  /** Time on air of `phyBytes` on this channel, ms. */
  airtimeMs(phyBytes: number): number {
    return loraTimeOnAirMs(phyBytes, this.lora);
  }

  /**
   * Connects radio `node` to the medium.
   *
   * @throws Error if a radio with that number is already attached.
   */
  attach(node: number, handler: RadioHandler): RadioPort {
    if (this.#radios.has(node)) throw new Error(`radio ${node} is already attached`);
    const radio: Radio = {
      handler,
      busy: new AirtimeWindow(this.#utilWindowMs),
      tx: undefined,
      transmissions: 0,
      airtimeMs: 0,
    };
    this.#radios.set(node, radio);
    return {
      node,
      transmit: (bytes) => this.#transmit(node, radio, bytes),
      isTransmitting: () => radio.tx !== undefined,
      isChannelBusy: () => this.#isBusy(node),
      channelUtilizationPercent: () => radio.busy.percent(this.#clock.now(), this.#utilWindowMs),
      abort: () => this.#abort(radio),
    };
  }

  /** Sets the link from → to; fields left out take DEFAULT_LINK's values. */
  setLink(from: number, to: number, quality: Partial<LinkQuality> = {}): void {
    if (from === to) throw new RangeError(`a radio has no link to itself (${from})`);
    const q = { ...DEFAULT_LINK, ...quality };
    if (!(q.loss >= 0 && q.loss <= 1)) throw new RangeError(`loss must be within 0–1, not ${q.loss}`);
    let out = this.#links.get(from);
    if (out === undefined) {
      out = new Map();
      this.#links.set(from, out);
    }
    out.set(to, q);
  }

  /** Sets the same link both ways. */
  setSymmetricLink(a: number, b: number, quality: Partial<LinkQuality> = {}): void {
    this.setLink(a, b, quality);
    this.setLink(b, a, quality);
  }

  removeLink(from: number, to: number): void {
    this.#links.get(from)?.delete(to);
  }

  link(from: number, to: number): LinkQuality | undefined {
    return this.#links.get(from)?.get(to);
  }

  /** Radios that hear `from`, in node-number order. */
  neighbours(from: number): number[] {
    return [...(this.#links.get(from)?.keys() ?? [])].sort((a, b) => a - b);
  }

  onEvent(listener: (e: MediumEvent) => void): void {
    this.#listeners.push(listener);
  }

  counters(): MediumCounters {
    const byNode = new Map<number, { transmissions: number; airtimeMs: number }>();
    for (const [n, r] of this.#radios)
      byNode.set(n, { transmissions: r.transmissions, airtimeMs: r.airtimeMs });
    return { ...this.#count, byNode };
  }

  #emit(e: MediumEvent): void {
    for (const l of this.#listeners) l(e);
  }

  #isBusy(node: number): boolean {
    const now = this.#clock.now();
    return this.#active.some(
      (t) =>
        t.from !== node &&
        t.end > now &&
        now >= t.start + this.senseDelayMs &&
        t.rx.some((r) => r.to === node),
    );
  }

  /** Marks two overlapping receptions at the same receiver, applying the capture effect if set. */
  #collide(a: Rx, b: Rx): void {
    const c = this.#captureDb;
    if (c !== undefined && a.link.rssi >= b.link.rssi + c) b.fate ??= 'collision';
    else if (c !== undefined && b.link.rssi >= a.link.rssi + c) a.fate ??= 'collision';
    else {
      a.fate ??= 'collision';
      b.fate ??= 'collision';
    }
  }

  #transmit(from: number, radio: Radio, bytes: Uint8Array): number {
    if (radio.tx !== undefined) throw new Error(`radio ${from} is already transmitting`);
    if (bytes.length > MAX_LORA_PAYLOAD_LEN) {
      throw new RangeError(`a LoRa packet is at most ${MAX_LORA_PAYLOAD_LEN} bytes, not ${bytes.length}`);
    }
    const now = this.#clock.now();
    const airtime = this.airtimeMs(bytes.length);
    const end = now + airtime;
    // Whatever this radio was in the middle of receiving is lost: it cannot listen and talk.
    for (const t of this.#active) {
      if (t.end <= now) continue;
      for (const r of t.rx) if (r.to === from) r.fate ??= 'half-duplex';
    }
    const tx: Tx = { from, start: now, end, bytes: bytes.slice(), rx: [], timer: undefined };
    for (const to of this.neighbours(from)) {
      const receiver = this.#radios.get(to);
      const link = this.link(from, to);
      if (receiver === undefined || link === undefined) continue;
      const rx: Rx = { to, link, lost: link.loss > 0 && this.#random() < link.loss, fate: undefined };
      if (receiver.tx !== undefined) rx.fate = 'half-duplex';
      for (const t of this.#active) {
        if (t.end <= now) continue;
        const other = t.rx.find((r) => r.to === to);
        if (other !== undefined) this.#collide(rx, other);
      }
      tx.rx.push(rx);
      receiver.busy.add(now, end);
    }
    radio.busy.add(now, end);
    radio.tx = tx;
    radio.transmissions++;
    radio.airtimeMs += airtime;
    this.#count.transmissions++;
    this.#active.push(tx);
    this.#emit({ type: 'tx', at: now, from, bytes: bytes.length, airtimeMs: airtime });
    tx.timer = this.#clock.after(airtime, () => this.#finish(radio, tx));
    return airtime;
  }

  #drop(tx: Tx, r: Rx, reason: DropReason, at: number): void {
    if (reason === 'collision') this.#count.collisions++;
    else if (reason === 'loss') this.#count.losses++;
    else if (reason === 'half-duplex') this.#count.halfDuplex++;
    else this.#count.aborted++;
    this.#emit({ type: 'drop', at, from: tx.from, to: r.to, reason });
  }

  #finish(radio: Radio, tx: Tx): void {
    this.#active = this.#active.filter((t) => t !== tx);
    radio.tx = undefined;
    const now = this.#clock.now();
    for (const r of tx.rx) {
      if (r.fate !== undefined) this.#drop(tx, r, r.fate, now);
      else if (r.lost) this.#drop(tx, r, 'loss', now);
      else {
        const receiver = this.#radios.get(r.to);
        if (receiver === undefined) continue;
        this.#count.deliveries++;
        this.#emit({ type: 'rx', at: now, from: tx.from, to: r.to, rssi: r.link.rssi, snr: r.link.snr });
        receiver.handler.receive(tx.bytes.slice(), {
          from: tx.from,
          rssi: r.link.rssi,
          snr: r.link.snr,
          startedAt: tx.start,
        });
      }
    }
    radio.handler.transmitDone();
  }

  #abort(radio: Radio): void {
    const tx = radio.tx;
    if (tx === undefined) return;
    tx.timer?.cancel();
    this.#active = this.#active.filter((t) => t !== tx);
    radio.tx = undefined;
    const now = this.#clock.now();
    for (const r of tx.rx) this.#drop(tx, r, 'aborted', now);
  }
}

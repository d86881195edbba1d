/**
 * A simulated BeiDou short-message module (docs/beidou.md §The simulator), in either protocol: it
 * reads its host's sentences from a byte stream and answers as a module would, in the protocol's
 * own layouts, faithful enough to be wrong where modules are wrong.
 *
 * - The card: `$CCICR` (BeiDou-3) or `$CCICA` (BeiDou-2) answered with `$BDICP` / `$BDICI`; the
 *   other protocol's query is ignored, as a module that does not speak it would. No card: zeros.
 * - Beams: a report every second (`$BDPWI` from the start on BeiDou-3, `$BDBSI` once `$CCRMO`
 *   asks on BeiDou-2) from a beam schedule over the clock.
 * - A send (`$CCTCQ` in code mode, `$CCTXA` in mixed mode): checked in the order a module does
 *   (card, radio silence, transmitter inhibit, beam, broadcast permission, the card's interval,
 *   the size its level allows), answered with `$BDFKI` after a delay; a message that went is handed
 *   to the network, which delivers it as `$BDTCI` / `$BDTXR` at the other card's module.
 * - Faults (module-sim-faults.ts): scripted and random answers, a result that never comes, resets,
 *   and the serial line's corrupted checksums, junk, RNSS sentences in between and split writes.
 * - A reset: the module says nothing and hears nothing for `rebootMs`, loses the results it owed,
 *   and comes back with its power-on output (no beam report on BeiDou-2 until `$CCRMO` asks, nor
 *   on BeiDou-3 when `beamOutputAtStart` is false): what a host sees when a module browns out or
 *   its own watchdog resets it.
 */
import type { Duplex } from 'node:stream';
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import type { BeidouProtocol, TransmitVerdict } from '../../src/beidou/beidou-types.js';
import { encodeSentence, type Sentence } from '../../src/beidou/sentence.js';
import { SentenceReader } from '../../src/beidou/sentence-reader.js';
import { type BeamSchedule, constantBeams } from './beam-schedule.js';
import type { BeidouNetworkSim, BeidouTransmission, NetworkCard } from './beidou-network-sim.js';
import { forcedAnswer, type ModuleFaults } from './module-sim-faults.js';
import {
  bd3Beams,
  bd3Message,
  bd3Result,
  bd21Beams,
  bd21Message,
  bd21Result,
  rnssSentence,
} from './module-sim-sentences.js';
import { cardBits, hasCard, iciFields, icpFields, mayBroadcast, type SimCard } from './sim-card.js';

export interface BeidouModuleSimOptions {
  protocol: BeidouProtocol;
  /** The card; absent: a module without one. */
  card?: SimCard;
  clock: Clock;
  /** Where what it sends goes; absent: nowhere (it still answers `Y`). */
  network?: BeidouNetworkSim;
  /** Beams locked over time. Default two, always. */
  beams?: BeamSchedule;
  /** Delay of a send's result, ms, evenly between the two. Default [300, 1_500]. */
  resultDelayMs?: readonly [number, number];
  /** Delay of the card's answer, ms. Default 20. */
  replyDelayMs?: number;
  /** Unix ms at clock 0, for the time fields. Default 2026-07-13 08:00 UTC. */
  epochMs?: number;
  /** Default 1. */
  seed?: number;
  faults?: ModuleFaults;
  /** Beam report period, ms. Default 1_000. */
  beamReportMs?: number;
  /** Report beams before `$CCRMO` asks. Default: BeiDou-3 yes, BeiDou-2 no. */
  beamOutputAtStart?: boolean;
  /** How the 2.1 result's field 5 counts time. Default `mmss`. */
  bd21WaitField?: 'mmss' | 'seconds';
  /** Whether a refused send starts the card's interval as one that went. Default false. */
  refusalStartsInterval?: boolean;
  /** The reason code of a message over the card's size. Default 0 (unexplained). */
  oversizeReason?: number;
  /** Write `$BDTXR`'s mixed payload with its A4 marker. Default true. */
  bd21RxMarker?: boolean;
  /** `$BDPWI` group widths: BeiDou-2 beams, BeiDou-3 beams. Default [3, 4]. */
  pwiGroupWidths?: readonly [number, number];
  /** How long a reset keeps the module silent, ms. Default 3_000. */
  rebootMs?: number;
}

export interface ModuleSimCounts {
  /** Sends the module took, whatever it answered. */
  sends: number;
  /** Messages that left the antenna. */
  sent: number;
  /** Sends refused because the card's interval had not passed. */
  refusedByFrequency: number;
  /** Sends refused for any other reason. */
  refused: number;
  /** Resets (faults or reset()). */
  resets: number;
}

const DEFAULT_EPOCH = Date.UTC(2026, 6, 13, 8, 0);

export class BeidouModuleSim implements NetworkCard {
  readonly #o: BeidouModuleSimOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #reader: SentenceReader;
  readonly counts: ModuleSimCounts = { sends: 0, sent: 0, refusedByFrequency: 0, refused: 0, resets: 0 };
  /** The names of the last 100 sentences the host wrote (`ICR`, `TCQ`…), oldest first. */
  readonly heard: string[] = [];
  #faults: ModuleFaults;
  #card: SimCard | undefined;
  #stream: Duplex | undefined;
  #leave: (() => void) | undefined;
  #beamTimer: Timer | undefined;
  #timers = new Set<Timer>();
  #resetTimers: Timer[] = [];
  /** While rebooting after a reset: until then it neither writes nor hears. */
  #rebootUntil = Number.NEGATIVE_INFINITY;
  #beamOutput: boolean;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #silence = false;
  #inhibited = false;
  #closed = false;
  readonly #onData = (chunk: Buffer) => this.#reader.push(chunk);

  constructor(options: BeidouModuleSimOptions) {
    this.#o = options;
    this.#clock = options.clock;
    this.#random = seededRandom(options.seed ?? 1);
    this.#card = options.card;
    this.#faults = options.faults ?? {};
    this.#beamOutput = options.beamOutputAtStart ?? options.protocol === 'bd3';
    this.#reader = new SentenceReader((e) => {
      if (e.kind !== 'sentence' || e.sentence.talker !== 'CC') return;
      this.heard.push(e.sentence.name);
      if (this.heard.length > 100) this.heard.shift();
      this.#command(e.sentence);
    });
  }

  get address(): string {
    return this.#card?.address ?? '';
  }

  get broadcast(): string | undefined {
    return this.#card?.broadcast;
  }

  get protocol(): BeidouProtocol {
    return this.#o.protocol;
  }

  /** Starts answering on `stream` and joins the network. */
  attach(stream: Duplex): void {
    this.#stream = stream;
    stream.on('data', this.#onData);
    this.#leave = this.#o.network?.join(this);
    this.#scheduleResets();
    this.#tick();
  }

  /** Radio silence (发射静默) on or off: sends are refused with reason 3 while on. */
  setSilence(on: boolean): void {
    this.#silence = on;
  }

  /** Transmitter inhibit (发射抑制): sends are refused with reason 2 while on. */
  setInhibited(on: boolean): void {
    this.#inhibited = on;
  }

  /** Replaces the faults from now on (resets scheduled from the new ones). */
  setFaults(faults: ModuleFaults): void {
    this.#faults = faults;
    if (this.#stream !== undefined) this.#scheduleResets();
  }

  /**
   * The module resets now: silent and deaf for `rebootMs`, the results it owed lost, then back with
   * its power-on output settings (the beam report off where it is off at power-on).
   */
  reset(rebootMs = this.#o.rebootMs ?? 3_000): void {
    if (this.#closed) return;
    this.counts.resets++;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    this.#rebootUntil = this.#clock.now() + rebootMs;
    this.#beamOutput = this.#o.beamOutputAtStart ?? this.#o.protocol === 'bd3';
  }

  /** Whether it is rebooting after a reset. */
  get rebooting(): boolean {
    return this.#clock.now() < this.#rebootUntil;
  }

  /** Takes the card out (undefined) or puts one in. */
  setCard(card: SimCard | undefined): void {
    this.#card = card;
  }

  close(): void {
    this.#closed = true;
    this.#beamTimer?.cancel();
    for (const t of this.#resetTimers) t.cancel();
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    this.#stream?.off('data', this.#onData);
    this.#leave?.();
  }

  /** A message the network delivers to this card. */
  receive(t: BeidouTransmission): void {
    if (this.rebooting) return; // lost, as on a module that is off
    const now = this.#unixNow();
    if (this.#o.protocol === 'bd3') this.#write(bd3Message(t.from, t.to, t.bytes, now));
    else this.#write(bd21Message(t.from, t.bytes, now, t.broadcast, this.#o.bd21RxMarker ?? true));
  }

  #command(s: Sentence): void {
    if (this.rebooting) return;
    const bd3 = this.#o.protocol === 'bd3';
    switch (s.name) {
      case 'ICR':
        if (bd3)
          this.#later(this.#o.replyDelayMs ?? 20, () =>
            this.#write({ talker: 'BD', name: 'ICP', fields: icpFields(this.#card) }),
          );
        return;
      case 'ICA':
        if (!bd3)
          this.#later(this.#o.replyDelayMs ?? 20, () =>
            this.#write({ talker: 'BD', name: 'ICI', fields: iciFields(this.#card) }),
          );
        return;
      case 'RMO':
        if (s.fields[0] === (bd3 ? 'PWI' : 'BSI')) this.#beamOutput = s.fields[1] === '2';
        return;
      case 'TCQ':
        if (bd3) this.#send(s.fields[0] ?? '', s.fields[3] ?? '', s.fields[4] ?? '');
        return;
      case 'TXA':
        if (!bd3) this.#send(s.fields[0] ?? '', s.fields[2] ?? '', s.fields[3] ?? '');
        return;
      default:
    }
  }

  #send(dest: string, encoding: string, hex: string): void {
    const n = ++this.counts.sends;
    const now = this.#clock.now();
    const bytes = this.#payload(encoding, hex);
    const forced = forcedAnswer(this.#faults, n, this.#random);
    let answer: TransmitVerdict['kind'] | 'no-result';
    let secondsLeft = 0;
    let reason: number | undefined;
    if (forced) {
      answer = forced.answer;
      secondsLeft = forced.secondsLeft ?? this.#secondsLeft(now) ?? this.#card?.intervalS ?? 60;
    } else {
      const checked = this.#check(dest, bytes, now);
      answer = checked.answer;
      secondsLeft = checked.secondsLeft;
      reason = checked.reason;
    }
    if (answer === 'sent' && bytes !== undefined) {
      this.#lastSentAt = now;
      this.counts.sent++;
      const network = this.#o.network;
      const broadcast = network?.isBroadcast(dest) ?? false;
      network?.transmit({ from: this.address, to: dest, bytes, at: now, broadcast });
    } else if (answer === 'frequency') {
      this.counts.refusedByFrequency++;
    } else {
      this.counts.refused++;
      if (this.#o.refusalStartsInterval && answer !== 'no-result') this.#lastSentAt = now;
    }
    if (answer === 'no-result') return;
    const [lo, hi] = this.#o.resultDelayMs ?? [300, 1_500];
    const final = answer;
    this.#later(lo + this.#random() * (hi - lo), () => {
      const at = this.#unixNow();
      if (this.#o.protocol === 'bd3') this.#write(bd3Result(at, final, secondsLeft, reason));
      else {
        const seconds = final === 'sent' ? (this.#card?.intervalS ?? 0) : secondsLeft;
        this.#write(bd21Result(final, seconds, this.#o.bd21WaitField ?? 'mmss', reason));
      }
    });
  }

  /** The payload of a send in the protocol's byte mode, or undefined when it is not one. */
  #payload(encoding: string, hex: string): Uint8Array | undefined {
    if (!/^(?:[0-9A-Fa-f]{2})*$/.test(hex)) return undefined;
    const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
    if (this.#o.protocol === 'bd3') return encoding === '2' ? bytes : undefined;
    if (encoding !== '2' || bytes[0] !== 0xa4) return undefined;
    return bytes.subarray(1);
  }

  /** What a module checks before it transmits, in its order. */
  #check(
    dest: string,
    bytes: Uint8Array | undefined,
    now: number,
  ): { answer: TransmitVerdict['kind']; secondsLeft: number; reason?: number } {
    const card = this.#card;
    if (!hasCard(card)) return { answer: 'no-card', secondsLeft: 0 };
    if (this.#silence) return { answer: 'silence', secondsLeft: 0 };
    if (this.#inhibited) return { answer: 'inhibited', secondsLeft: 0 };
    if ((this.#o.beams ?? constantBeams(2))(now) === 0) return { answer: 'no-beam', secondsLeft: 0 };
    if (this.#o.network?.isBroadcast(dest) && (dest !== card.broadcast || !mayBroadcast(card)))
      return { answer: 'no-permission', secondsLeft: 0 };
    const left = this.#secondsLeft(now);
    if (left !== undefined) return { answer: 'frequency', secondsLeft: left };
    if (bytes === undefined || !/^\d{1,8}$/.test(dest)) return { answer: 'failed', secondsLeft: 0 };
    const marker = this.#o.protocol === 'bd21' ? 1 : 0;
    if ((bytes.length + marker) * 8 > cardBits(card, this.#o.protocol))
      return { answer: 'failed', secondsLeft: 0, reason: this.#o.oversizeReason ?? 0 };
    return { answer: 'sent', secondsLeft: 0 };
  }

  /** Whole seconds until the card's interval has passed, or undefined when it has. */
  #secondsLeft(now: number): number | undefined {
    const intervalMs = (this.#card?.intervalS ?? 0) * 1000;
    const left = this.#lastSentAt + intervalMs - now;
    return left > 0 ? Math.ceil(left / 1000) : undefined;
  }

  /** Every beam period: the beam report (when asked for) and an RNSS sentence (when that fault is on). */
  #tick(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    if (this.#beamOutput && !this.rebooting) {
      const locked = (this.#o.beams ?? constantBeams(2))(now);
      this.#write(
        this.#o.protocol === 'bd3'
          ? bd3Beams(this.#unixNow(), locked, this.#random, this.#o.pwiGroupWidths)
          : bd21Beams(locked, this.#random),
      );
    }
    if (this.#faults.rnss && !this.rebooting) this.#write(rnssSentence(this.#unixNow()));
    this.#beamTimer = this.#clock.after(this.#o.beamReportMs ?? 1_000, () => this.#tick());
  }

  /** The resets the faults ask for, from now on. */
  #scheduleResets(): void {
    for (const t of this.#resetTimers) t.cancel();
    this.#resetTimers = [];
    const now = this.#clock.now();
    for (const at of this.#faults.resetAtMs ?? [])
      if (at >= now) this.#resetTimers.push(this.#clock.after(at - now, () => this.reset()));
    const every = this.#faults.resetEveryMs;
    if (every === undefined || !(every > 0)) return;
    const at = this.#resetTimers.length;
    const again = () => {
      this.reset();
      this.#resetTimers[at] = this.#clock.after(every, again);
    };
    this.#resetTimers[at] = this.#clock.after(every, again);
  }

  #later(ms: number, fn: () => void): void {
    const t = this.#clock.after(ms, () => {
      this.#timers.delete(t);
      if (!this.#closed) fn();
    });
    this.#timers.add(t);
  }

  #unixNow(): number {
    return (this.#o.epochMs ?? DEFAULT_EPOCH) + this.#clock.now();
  }

  /** Writes a sentence to the host, through the line's faults. */
  #write(s: Sentence): void {
    const stream = this.#stream;
    if (this.#closed || stream === undefined || stream.destroyed || stream.writableEnded) return;
    const f = this.#faults;
    let bytes = Buffer.from(encodeSentence(s));
    if (f.junk !== undefined && this.#random() < f.junk) {
      const junk = Buffer.from(
        Array.from(
          { length: 1 + Math.floor(this.#random() * 12) },
          () => 0x25 + Math.floor(this.#random() * 90),
        ),
      );
      bytes = Buffer.concat([junk, bytes]);
    }
    if (f.corruptChecksum !== undefined && this.#random() < f.corruptChecksum) {
      // The second checksum digit, changed: a byte damaged on the line.
      const at = bytes.length - 3;
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    }
    const max = f.splitWrites;
    if (max === undefined || max < 1) {
      stream.write(bytes);
      return;
    }
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(this.#random() * max);
      stream.write(bytes.subarray(i, i + n));
      i += n;
    }
  }
}

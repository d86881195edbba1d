/**
 * The node's time and whether it can be believed (docs/time.md §The rules; docs/design.md §Time,
 * §Security). Owns the last accepted device time (GPS, Iridium, operator), the centre's signed
 * lower bound, the trust they give and how long it lasts, and the refusals it logged; nothing is
 * saved (docs/time.md §How long trust lasts).
 *
 * `now()` runs forward on a monotonic clock from the last time it was set, never from system clock
 * differences, which NTP, `date -s` or fake-hwclock may step (docs/time.md §Elapsed time and steps).
 * It answers two questions: `trusted()`, the time is right (the envelope's C flag), and
 * `expiryTrusted()`, the time is safe for "now > T" checks, which a signed lower bound also gives
 * (docs/time.md §Two kinds of trust).
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../base/logger.js';
import { type Clock, systemClock } from '../link/clock.js';
import { WIRE_EPOCH } from '../wire/envelope.js';

/** A source that tells the time itself: this node's radio, its modem, a person. */
export type DeviceTimeSource = 'gps' | 'iridium' | 'operator';
export type ClockSource = DeviceTimeSource | 'centre' | 'system' | 'none';

/** What status() reports; plain JSON. */
export interface ClockStatus {
  /** The clock's time, unix ms. */
  now: number;
  /** The time is right within seconds: messages made here go out with the C flag clear. */
  trusted: boolean;
  /** The time is safe for "now > T" checks: trusted, or the centre's signed lower bound. */
  expiryTrusted: boolean;
  /** Where `now` comes from. */
  source: ClockSource;
  /** Why it is trusted or not, for the operator. */
  why: string;
  /** `now` minus the system clock, ms. */
  offsetMs: number;
  /** When the source last set or confirmed the time, unix ms on `now`'s scale. */
  since?: number;
  /** What the centre's signed time proves `now` is at least, unix ms, run forward. */
  lowerBound?: number;
}

/** Why a reading was not taken: stable strings, for tests and logs. */
export type TimeRefusal =
  | 'before-epoch' // before 2024-01-01, the wire format's epoch
  | 'below-signed-bound' // before what the centre's signed time proves
  | 'outside-trusted-window' // too far from a trusted time (rule 3)
  | 'outranked' // a higher-ranked source sets the clock (rule 4): compared only
  | 'not-newer' // a signed time at or below the bound already known: changes nothing
  | 'system-trusted'; // the system clock is trusted here: readings are compared only

export type TimeReading =
  | { accepted: true; stepMs: number }
  | { accepted: false; reason: TimeRefusal; detail: string };

export interface ClockStep {
  from: number;
  to: number;
  stepMs: number;
  source: ClockSource;
}

export interface TrustedClockEvents {
  /** trusted(), expiryTrusted() or the source changed. */
  trust: [ClockStatus];
  /** now() jumped by more than a second (docs/time.md §Elapsed time and steps). */
  step: [ClockStep];
}

export interface TrustedClockOptions {
  /** The system clock, unix ms: the last resort, and the reference of `offsetMs`. Default Date.now. */
  system?: () => number;
  /**
   * Measures elapsed time (monotonic: only differences count) and times the lapse of trust. Readings
   * given to observe() with a time of their own are on this scale. Default systemClock.
   */
  timers?: Clock;
  /** Trust the system clock (the centre, which runs NTP). Default false. */
  trustSystem?: boolean;
  /** How long a device time keeps the clock trusted without another, ms. Default 24 h. */
  holdTrustMs?: number;
  /** Rule 3: the fixed part of how far a trusted clock may be moved, ms. Default 10,000. */
  stepToleranceMs?: number;
  /** Rule 3: the part that grows with the time since trust was gained, ppm. Default 200. */
  driftPpm?: number;
  /** Rule 4: how long a higher-ranked source keeps setting the clock after its last reading, ms. Default 1 h. */
  preferMs?: number;
  log: Logger;
}

const HOUR = 3_600_000;
const WIRE_EPOCH_MS = WIRE_EPOCH * 1000;
/** Largest timer delay Node takes (setTimeout overflows beyond it). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The sources' resolution (a GPS fix is whole seconds): a reading this close confirms without moving. */
const RESOLUTION_MS = 1000;
/** Rule 2: how far below the signed bound a device time may lie (drift of the bound, GPS resolution). */
const BOUND_SLACK_MS = 60_000;
/** Rules 3, 4 and 6: who may overrule whom. */
const RANK: Readonly<Record<DeviceTimeSource | 'centre', number>> = {
  gps: 4,
  iridium: 3,
  centre: 2,
  operator: 1,
};
const LABEL: Readonly<Record<DeviceTimeSource | 'centre', string>> = {
  gps: "GPS time from this node's radio",
  iridium: "Iridium network time from this node's modem",
  operator: 'time set by an operator',
  centre: "the centre's signed time",
};

/** A time read at a moment of the monotonic clock. */
interface Mark {
  time: number;
  mono: number;
}
/** The device time trust was gained on (rule 3 measures from it). */
interface Base extends Mark {
  source: DeviceTimeSource;
}
interface Anchor extends Base {
  /** When a reading last set or confirmed it (monotonic). */
  seen: number;
}

export class TrustedClock extends EventEmitter<TrustedClockEvents> {
  readonly #system: () => number;
  readonly #t: Clock;
  readonly #trustSystem: boolean;
  readonly #holdMs: number;
  readonly #toleranceMs: number;
  readonly #drift: number;
  readonly #preferMs: number;
  readonly #log: Logger;
  /** The last accepted device time: now() runs forward from it. */
  #anchor: Anchor | undefined;
  #base: Base | undefined;
  /** The centre's signed time, the highest heard. */
  #bound: (Mark & { detail: string }) | undefined;
  /** Refusals logged, by source, until that source is accepted again. */
  readonly #refusing = new Map<DeviceTimeSource | 'centre', { reason: TimeRefusal; detail: string }>();
  #lapse: { cancel(): void } | undefined;
  #last = '';

  constructor(options: TrustedClockOptions) {
    super();
    this.#system = options.system ?? Date.now;
    this.#t = options.timers ?? systemClock;
    this.#trustSystem = options.trustSystem ?? false;
    this.#holdMs = options.holdTrustMs ?? 24 * HOUR;
    this.#toleranceMs = options.stepToleranceMs ?? 10_000;
    this.#drift = (options.driftPpm ?? 200) / 1e6;
    this.#preferMs = options.preferMs ?? HOUR;
    this.#log = options.log;
    if (!(this.#holdMs > 0 && this.#holdMs <= MAX_TIMER_MS)) {
      throw new RangeError(`holdTrustMs must be in 1..${MAX_TIMER_MS}, not ${this.#holdMs}`);
    }
    this.#last = this.#key(this.#t.now());
  }

  /** Unix ms. */
  now(): number {
    // Whole milliseconds, as Date.now(): the monotonic clock's fraction would otherwise leak into
    // every time stamp written from here (a journal's reader takes only whole ms).
    return Math.floor(this.#nowAt(this.#t.now(), this.#system()));
  }

  /** The time is right: a device time held, or the system clock trusted here (docs/time.md §Two kinds of trust). */
  trusted(): boolean {
    return this.#trustedAt(this.#t.now());
  }

  /** now() is safe for "now > T" checks: trusted, or it is the centre's signed lower bound. */
  expiryTrusted(): boolean {
    const mono = this.#t.now();
    return this.#trustedAt(mono) || this.#sourceAt(mono) === 'centre';
  }

  /**
   * A time from this node's radio, modem or operator, unix ms, read at `observedAt` on the `timers`
   * clock (default: now). Sets the clock either way within the rules (docs/time.md §The rules).
   */
  observe(source: DeviceTimeSource, timeMs: number, observedAt?: number): TimeReading {
    if (!(source in RANK) || source === ('centre' as string))
      throw new RangeError(`unknown time source ${source}`);
    const mono = this.#t.now();
    if (!Number.isFinite(timeMs) || (observedAt !== undefined && !Number.isFinite(observedAt))) {
      throw new RangeError(`a ${source} time must be finite, not ${timeMs} at ${observedAt}`);
    }
    const at = timeMs + Math.max(0, mono - (observedAt ?? mono));
    const sys = this.#system();
    if (this.#trustSystem) {
      const off = at - sys;
      if (Math.abs(off) <= this.#toleranceMs)
        return { accepted: false, reason: 'system-trusted', detail: 'agrees with the system clock' };
      return this.#refuse(
        source,
        'system-trusted',
        `${span(off)} ${off < 0 ? 'behind' : 'ahead of'} the trusted system clock`,
      );
    }
    if (at < WIRE_EPOCH_MS) {
      return this.#refuse(
        source,
        'before-epoch',
        `${iso(at)} is before 2024-01-01 (a GPS week rollover, or a wrong Iridium era?)`,
      );
    }
    const bound = this.#boundAt(mono);
    if (bound !== undefined && at < bound - BOUND_SLACK_MS) {
      return this.#refuse(
        source,
        'below-signed-bound',
        `${iso(at)} is ${span(bound - at)} before the centre's signed time`,
      );
    }
    const before = this.#nowAt(mono, sys);
    const held = this.#trustedAt(mono);
    if (held) {
      const far = this.#outsideWindow(source, at, mono);
      if (far !== undefined) return this.#refuse(source, 'outside-trusted-window', far);
      const a = this.#anchor as Anchor;
      if (RANK[source] < RANK[a.source] && mono - a.seen < this.#preferMs) {
        this.#refusing.delete(source);
        return { accepted: false, reason: 'outranked', detail: `${a.source} sets the clock` };
      }
    }
    this.#refusing.delete(source);
    if (!held || RANK[source] > RANK[(this.#base as Base).source]) this.#base = { time: at, mono, source };
    const a = this.#anchor;
    if (a !== undefined && Math.abs(at - (a.time + mono - a.mono)) <= RESOLUTION_MS) {
      this.#anchor = { ...a, source, seen: mono }; // rule 5: confirms, without jitter
    } else {
      this.#anchor = { time: at, mono, source, seen: mono };
    }
    this.#armLapse();
    return { accepted: true, stepMs: this.#stepped(before, mono) };
  }

  /**
   * The centre's time from a verified control message, unix ms: proof that the true time is at
   * least this. Moves the clock forward to it, never back (docs/time.md §The centre's signed time).
   */
  observeSignedLowerBound(timeMs: number, detail: string): TimeReading {
    if (!Number.isFinite(timeMs)) throw new RangeError(`a signed time must be finite, not ${timeMs}`);
    const mono = this.#t.now();
    if (timeMs < WIRE_EPOCH_MS)
      return this.#refuse('centre', 'before-epoch', `${iso(timeMs)} is before 2024-01-01`);
    const bound = this.#boundAt(mono);
    if (bound !== undefined && timeMs <= bound) {
      return { accepted: false, reason: 'not-newer', detail: `the bound is already ${iso(bound)}` };
    }
    const before = this.#nowAt(mono, this.#system());
    if (timeMs > before && this.#trustedAt(mono) && !this.#trustSystem) {
      const far = this.#outsideWindow('centre', timeMs, mono);
      if (far !== undefined) return this.#refuse('centre', 'outside-trusted-window', `${far} (${detail})`);
    }
    this.#refusing.delete('centre');
    this.#bound = { time: timeMs, mono, detail };
    return { accepted: true, stepMs: this.#stepped(before, mono) };
  }

  status(): ClockStatus {
    const mono = this.#t.now();
    const sys = this.#system();
    const now = this.#nowAt(mono, sys);
    const source = this.#sourceAt(mono);
    const trusted = this.#trustedAt(mono);
    const seen = source === 'centre' ? this.#bound?.mono : this.#anchor?.seen;
    const deviceOrCentre = source !== 'system' && source !== 'none';
    const lowerBound = this.#boundAt(mono);
    return {
      now,
      trusted,
      expiryTrusted: trusted || source === 'centre',
      source,
      why: this.#why(source, trusted, mono),
      offsetMs: now - sys,
      ...(deviceOrCentre && seen !== undefined ? { since: now - (mono - seen) } : {}),
      ...(lowerBound !== undefined ? { lowerBound } : {}),
    };
  }

  /** Stops the timer that announces the lapse of trust (trusted() stays right without it). */
  stop(): void {
    this.#lapse?.cancel();
    this.#lapse = undefined;
  }

  /** Times the announcement of trust lapsing (a timer may fire a little early: then again). */
  #armLapse(): void {
    this.#lapse?.cancel();
    const a = this.#anchor;
    if (a === undefined) return;
    this.#lapse = this.#t.after(Math.max(0, a.seen + this.#holdMs - this.#t.now()), () => {
      this.#lapse = undefined;
      if (this.#trustedAt(this.#t.now())) this.#armLapse();
      else this.#evaluate();
    });
  }

  #nowAt(mono: number, sys: number): number {
    const bound = this.#boundAt(mono) ?? Number.NEGATIVE_INFINITY;
    if (this.#trustSystem) return Math.max(sys, bound);
    const a = this.#anchor;
    if (a !== undefined) return Math.max(a.time + mono - a.mono, bound);
    return this.#bound === undefined ? sys : bound;
  }

  #boundAt(mono: number): number | undefined {
    const b = this.#bound;
    return b === undefined ? undefined : b.time + mono - b.mono;
  }

  #sourceAt(mono: number): ClockSource {
    if (this.#trustSystem) return 'system';
    const a = this.#anchor;
    const bound = this.#boundAt(mono);
    if (a !== undefined && (bound === undefined || a.time + mono - a.mono + BOUND_SLACK_MS >= bound))
      return a.source;
    return bound === undefined ? 'none' : 'centre';
  }

  #trustedAt(mono: number): boolean {
    if (this.#trustSystem) return true;
    const a = this.#anchor;
    return a !== undefined && mono - a.seen < this.#holdMs && this.#sourceAt(mono) === a.source;
  }

  /** Rule 3: why `at` is too far from the trusted time for `source` to move it, if it is. */
  #outsideWindow(source: DeviceTimeSource | 'centre', at: number, mono: number): string | undefined {
    const base = this.#base;
    if (base === undefined || RANK[source] > RANK[base.source]) return undefined;
    const off = at - (base.time + mono - base.mono);
    if (Math.abs(off) <= this.#toleranceMs + this.#drift * (mono - base.mono)) return undefined;
    return `${span(off)} ${off < 0 ? 'behind' : 'ahead of'} the time trusted from ${base.source} (spoofing, a GPS week rollover, a wrong Iridium era?)`;
  }

  /** Logs a refusal once per source and reason. */
  #refuse(source: DeviceTimeSource | 'centre', reason: TimeRefusal, detail: string): TimeReading {
    if (this.#refusing.get(source)?.reason !== reason) {
      this.#log.warn({ source, reason, detail }, `${LABEL[source]} refused`);
    }
    this.#refusing.set(source, { reason, detail });
    return { accepted: false, reason, detail };
  }

  /** After a change: announces a step and any change of trust; returns the step. */
  #stepped(before: number, mono: number): number {
    const after = this.#nowAt(mono, this.#system());
    const stepMs = after - before;
    if (Math.abs(stepMs) > RESOLUTION_MS) {
      const source = this.#sourceAt(mono);
      this.#log[Math.abs(stepMs) >= 60_000 ? 'info' : 'debug'](
        { source, from: iso(before), to: iso(after), stepMs },
        'clock stepped',
      );
      this.emit('step', { from: before, to: after, stepMs, source });
    }
    this.#evaluate();
    return stepMs;
  }

  #key(mono: number): string {
    return `${this.#trustedAt(mono)}/${this.#trustedAt(mono) || this.#sourceAt(mono) === 'centre'}/${this.#sourceAt(mono)}`;
  }

  /** Logs and emits `trust` when trust or its source changed. */
  #evaluate(): void {
    const key = this.#key(this.#t.now());
    if (key === this.#last) return;
    const wasTrusted = this.#last.startsWith('true/');
    this.#last = key;
    const s = this.status();
    const fields = { source: s.source, expiryTrusted: s.expiryTrusted, why: s.why };
    if (s.trusted && !wasTrusted) this.#log.info(fields, 'clock trusted');
    else if (!s.trusted && wasTrusted) this.#log.warn(fields, 'clock no longer trusted');
    else this.#log.info(fields, 'clock source changed');
    this.emit('trust', s);
  }

  #why(source: ClockSource, trusted: boolean, mono: number): string {
    const a = this.#anchor;
    let why: string;
    if (source === 'system') why = 'the system clock, trusted by configuration (NTP)';
    else if (source === 'none')
      why =
        'no GPS fix, no Iridium time, no signed time from the centre yet; the system clock is not trusted';
    else if (source === 'centre') {
      const b = this.#bound as Mark & { detail: string };
      why = `at least the centre's signed time (${b.detail}), received ${ago(mono - b.mono)}: enough to refuse what has expired, not to stamp this node's messages as trusted`;
    } else if (trusted) why = `${LABEL[source]}, ${ago(mono - (a as Anchor).seen)}`;
    else
      why = `last ${LABEL[source]} ${ago(mono - (a as Anchor).seen)}; a device's time is trusted for ${span(this.#holdMs)} after it is read`;
    for (const [src, r] of this.#refusing) why += `; ${LABEL[src]} refused: ${r.detail}`;
    return why;
  }
}

/** A span of time for people: "40 s", "3 min", "5 h", "3 d", "19.6 years". */
export function span(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  if (s < 730 * 86400) return `${Math.round(s / 86400)} d`;
  return `${(s / (365.25 * 86400)).toFixed(1)} years`;
}

/** How long ago, for people: "3 min ago". */
export function ago(ms: number): string {
  return `${span(ms)} ago`;
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/**
 * The alarm at the kit (docs/warnings.md §The alarm at the kit): it hears of the warnings current
 * here, the answers people make here and the centre's re-alarms, and drives the sounders in cycles
 * until the warning is answered, cancelled, superseded or expires. A browser's alarm is not enough:
 * a locked phone plays nothing, so the kit itself sounds.
 *
 * One warning sounds at a time, the most urgent first (alarm-board.ts). A repeating alarm (red,
 * orange) sounds in cycles of
 *
 *   siren `sirenMs` → the spoken headline (at most `speechMaxMs`) → silence `pauseMs` → again
 *
 * (8 s, the headline, 4 s by default: a cycle of about 20 s); a chime (yellow, blue) or an
 * all-clear is one period of its pattern and the headline, once. A more urgent warning interrupts
 * at once; an answer, a cancel or the expiry stops the sounders at once, mid-siren or mid-word.
 *
 * Nothing here touches a device: the sounders do (sounder.ts), and the clock is injected, so a
 * test runs an hour of cycles in milliseconds. A sounder that hangs is stopped once its step has
 * run `GRACE_MS` over, and the others go on.
 */
import type { Logger } from '../../../base/logger.js';
import { type Clock, systemClock, type Timer } from '../../../link/clock.js';
import {
  AlarmBoard,
  type AlarmEntry,
  type KitAnswer,
  type KitRealarm,
  type KitWarning,
} from './alarm-board.js';
import { DEFAULT_ALARM_CONFIG } from './alarm-config.js';
import type { AlarmPattern } from './alarm-patterns.js';
import { patternPeriodMs } from './alarm-patterns.js';
import { announcementOf } from './announcement.js';
import type { Sounder } from './sounder.js';

export interface AlarmControllerOptions {
  /** What sounds; may be empty (then the alarm only keeps its state). */
  sounders: readonly Sounder[];
  /** Each siren of a repeating alarm, ms. Default 8 s. */
  sirenMs?: number;
  /** The silence after the headline, ms. Default 4 s. */
  pauseMs?: number;
  /** The longest the headline may take before the cadence moves on, ms. Default 30 s. */
  speechMaxMs?: number;
  /**
   * Its `now()` is unix ms: warnings expire on the wall clock. Default: `Date.now()` with the
   * system clock's unref'd timers.
   */
  clock?: Clock;
  log: Logger;
}

/** How long a siren step may run past its length before its sounder is stopped. */
export const GRACE_MS = 5000;
/** The longest single timer: setTimeout overflows past 2³¹ ms (24.8 days), and warnings can last weeks. */
const MAX_TIMER_MS = 86_400_000;

export type AlarmWarningState = 'sounding' | 'waiting' | 'answered' | 'chimed';

export interface AlarmStatus {
  /** What sounds now, if anything. */
  sounding?: { warning: string; pattern: AlarmPattern; drill: boolean };
  warnings: Array<{
    warning: string;
    thread: string;
    colour: string;
    pattern: AlarmPattern;
    drill: boolean;
    state: AlarmWarningState;
    expiresAt: number;
    persons: number[];
    answered: number[];
  }>;
}

/** One cycle in progress. */
interface Run {
  entry: AlarmEntry;
  interrupted: boolean;
  /** Ends the step under way at once. */
  wake: (() => void) | undefined;
}

const wallClock: Clock = { now: () => Date.now(), after: (ms, fn) => systemClock.after(ms, fn) };

export class AlarmController {
  readonly #o: Required<Omit<AlarmControllerOptions, 'log'>>;
  readonly #log: Logger;
  readonly #board = new AlarmBoard();
  #run: Run | undefined;
  #looping = false;
  #loopDone: Promise<void> = Promise.resolve();
  /** Sounders being stopped after an interruption: the next cycle waits for them. */
  #stopping: Promise<void> = Promise.resolve();
  #expiry: Timer | undefined;
  #closed = false;
  /** Sounders reported slow, with the step, so a hung one is logged once, not every cycle. */
  readonly #slow = new Map<Sounder, Set<string>>();

  constructor(options: AlarmControllerOptions) {
    this.#o = {
      sirenMs: DEFAULT_ALARM_CONFIG.sirenMs,
      pauseMs: DEFAULT_ALARM_CONFIG.pauseMs,
      speechMaxMs: DEFAULT_ALARM_CONFIG.speechMaxMs,
      clock: wallClock,
      ...options,
    };
    this.#log = options.log.child({ mod: 'alarm' });
  }

  /** Readies the sounders (each finds its programs and puts its device at rest). */
  async start(): Promise<void> {
    await Promise.all(this.#o.sounders.map((s) => s.start()));
  }

  /** A warning current on its thread here (issue, update or cancel). */
  warning(w: KitWarning): void {
    if (this.#closed) return;
    const event = this.#board.warning(w, this.#now());
    switch (event.kind) {
      case 'sounding':
      case 'superseded': {
        const { entry } = event;
        this.#log.info(
          { warning: entry.warning, thread: entry.thread, pattern: entry.rule.pattern, drill: entry.drill },
          `alarm: ${entry.rule.colour}${entry.drill ? ' drill' : ''} warning ${entry.warning} ${
            entry.rule.repeats ? 'sounds until a person here answers' : 'chimes once'
          }${event.kind === 'superseded' ? ' (it supersedes the last of its thread)' : ''}`,
        );
        break;
      }
      case 'silent-answered':
        this.#log.info({ warning: event.entry.warning }, 'alarm: warning already answered here, not sounded');
        break;
      case 'cancelled':
        this.#log.info(
          { warning: event.warning, thread: event.thread },
          `alarm: thread ${event.thread} cancelled${event.allClear ? '; the all-clear is sounded once' : ''}`,
        );
        break;
      case 'expired-on-arrival':
        this.#log.info({ warning: event.warning }, 'alarm: warning arrived after it expired, not sounded');
        break;
      case 'history':
        this.#log.debug({ warning: event.warning }, 'alarm: an older warning of its thread, not sounded');
        break;
    }
    this.#armExpiry();
    this.#changed();
  }

  /** A person here answered (收到 or acted): the warning's alarm stops. */
  answered(a: KitAnswer): void {
    if (this.#closed) return;
    const silenced = this.#board.answer(a);
    if (silenced !== undefined)
      this.#log.info(
        { warning: silenced.warning, person: a.person },
        `alarm: warning ${silenced.warning} answered here by person ${a.person}; silenced`,
      );
    this.#changed();
  }

  /** The centre asks for the alarm again (escalation's `realarm`). */
  realarm(r: KitRealarm): void {
    if (this.#closed) return;
    const { outcome } = this.#board.realarm(r, this.#now());
    const fields = { warning: r.warning, persons: r.persons };
    if (outcome === 'realarmed') this.#log.info(fields, `alarm: re-alarm of ${r.warning} from the centre`);
    else if (outcome === 'unknown')
      this.#log.warn(fields, `alarm: re-alarm of ${r.warning}, a warning not current here; nothing to sound`);
    else this.#log.info(fields, `alarm: re-alarm of ${r.warning} not sounded: ${outcome}`);
    this.#changed();
  }

  status(): AlarmStatus {
    const run = this.#run;
    const state = (e: AlarmEntry): AlarmWarningState =>
      run?.entry === e && !run.interrupted ? 'sounding' : e.state === 'due' ? 'waiting' : e.state;
    return {
      ...(run === undefined || run.interrupted
        ? {}
        : {
            sounding: { warning: run.entry.warning, pattern: run.entry.rule.pattern, drill: run.entry.drill },
          }),
      warnings: this.#board.entries().map((e) => ({
        warning: e.warning,
        thread: e.thread,
        colour: e.rule.colour,
        pattern: e.rule.pattern,
        drill: e.drill,
        state: state(e),
        expiresAt: e.expiresAt,
        persons: [...e.persons],
        answered: [...e.answered],
      })),
    };
  }

  /** Stops sounding for good and closes the sounders (the daemon is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#expiry?.cancel();
    this.#interrupt();
    await this.#loopDone;
    await this.#stopping;
    await Promise.all(this.#o.sounders.map((s) => s.close()));
  }

  #now(): number {
    return this.#o.clock.now();
  }

  /** After every change: stop what should no longer sound, and make sure the loop runs. */
  #changed(): void {
    const run = this.#run;
    if (run !== undefined && !run.interrupted) {
      const next = this.#board.next();
      if (!this.#board.isDue(run.entry) || (next !== undefined && next.rule.rank > run.entry.rule.rank))
        this.#interrupt();
    }
    if (!this.#looping && !this.#closed) {
      this.#looping = true;
      this.#loopDone = this.#loop();
    }
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        await this.#stopping;
        const entry = this.#closed ? undefined : this.#board.next();
        if (entry === undefined) {
          this.#looping = false;
          return;
        }
        await this.#cycle(entry);
      }
    } catch (err) {
      // A bug, not a field failure: the sounders never reject. Say so, and let the next change retry.
      this.#looping = false;
      this.#run = undefined;
      this.#log.error({ err }, 'alarm: the cadence failed; it starts again at the next change');
    }
  }

  async #cycle(entry: AlarmEntry): Promise<void> {
    const run: Run = { entry, interrupted: false, wake: undefined };
    this.#run = run;
    const { pattern, repeats } = entry.rule;
    const sirenMs = repeats ? this.#o.sirenMs : patternPeriodMs(pattern);
    await this.#step(run, 'siren', (s) => s.siren(pattern, sirenMs), sirenMs, sirenMs + GRACE_MS);
    if (!run.interrupted) {
      const text = announcementOf(entry.fields, {
        drill: entry.drill,
        first: entry.cycles === 0,
        needsAnswer: repeats,
        again: entry.again,
      });
      await this.#step(run, 'speech', (s) => s.speak(text), 0, this.#o.speechMaxMs);
    }
    if (!run.interrupted) {
      this.#board.cycleDone(entry, this.#now());
      if (repeats) await this.#step(run, 'pause', undefined, this.#o.pauseMs, this.#o.pauseMs);
    }
    if (this.#run === run) this.#run = undefined;
  }

  /**
   * One step of a cycle: every sounder's `act`, ended when all have finished and `minMs` has
   * passed, when `maxMs` has passed (the laggards are stopped), or when the run is interrupted.
   */
  #step(
    run: Run,
    name: 'siren' | 'speech' | 'pause',
    act: ((s: Sounder) => Promise<void>) | undefined,
    minMs: number,
    maxMs: number,
  ): Promise<void> {
    if (run.interrupted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const clock = this.#o.clock;
      const unfinished = new Set(act === undefined ? [] : this.#o.sounders);
      let minPassed = minMs <= 0;
      let ended = false;
      const timers: Timer[] = [];
      const end = () => {
        if (ended) return;
        ended = true;
        for (const t of timers) t.cancel();
        run.wake = undefined;
        resolve();
      };
      const check = () => {
        if (unfinished.size === 0 && minPassed) end();
      };
      if (!minPassed)
        timers.push(
          clock.after(minMs, () => {
            minPassed = true;
            check();
          }),
        );
      timers.push(clock.after(maxMs, () => this.#overran(name, maxMs, unfinished, end)));
      run.wake = end;
      for (const s of [...unfinished]) {
        (act as (s: Sounder) => Promise<void>)(s)
          .catch((err: unknown) =>
            this.#log.warn({ err, sounder: s.kind }, `alarm: sounder ${s.kind} failed its ${name}; going on`),
          )
          .finally(() => {
            unfinished.delete(s);
            if (!ended) this.#slow.get(s)?.delete(name);
            check();
          });
      }
      check();
    });
  }

  /** A step ran past its limit: stop the sounders still at it, say so once, and go on. */
  #overran(name: string, maxMs: number, unfinished: ReadonlySet<Sounder>, end: () => void): void {
    const laggards = [...unfinished];
    for (const s of laggards) {
      const steps = this.#slow.get(s) ?? new Set<string>();
      this.#slow.set(s, steps);
      if (steps.has(name)) continue;
      steps.add(name);
      this.#log.warn(
        { sounder: s.kind, step: name, limitMs: maxMs },
        `alarm: sounder ${s.kind} did not finish its ${name} within ${maxMs} ms; stopped it, the others go on`,
      );
    }
    if (laggards.length > 0) this.#stopping = this.#stopSounders(laggards);
    end();
  }

  /** Ends the cycle under way and stops every sounder at once. */
  #interrupt(): void {
    const run = this.#run;
    if (run === undefined || run.interrupted) return;
    run.interrupted = true;
    this.#stopping = this.#stopSounders(this.#o.sounders);
    run.wake?.();
  }

  async #stopSounders(sounders: readonly Sounder[]): Promise<void> {
    const before = this.#stopping;
    await Promise.all(
      sounders.map((s) =>
        s
          .stop()
          .catch((err: unknown) =>
            this.#log.warn({ err, sounder: s.kind }, `alarm: sounder ${s.kind} did not stop cleanly`),
          ),
      ),
    );
    await before;
  }

  /** One timer, at the next expiry (in steps of at most a day); expired warnings stop sounding. */
  #armExpiry(): void {
    this.#expiry?.cancel();
    this.#expiry = undefined;
    const next = this.#board.nextExpiry();
    if (next === undefined || this.#closed) return;
    const wait = Math.min(Math.max(0, next - this.#now()), MAX_TIMER_MS);
    this.#expiry = this.#o.clock.after(wait, () => {
      for (const e of this.#board.expire(this.#now()))
        this.#log.info({ warning: e.warning, thread: e.thread }, `alarm: warning ${e.warning} expired`);
      this.#armExpiry();
      this.#changed();
    });
  }
}

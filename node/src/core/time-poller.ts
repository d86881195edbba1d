/**
 * Asks the links that tell the time (the link contract's optional TimeSource: a radio's GPS, a
 * modem's Iridium network time) for it, and gives what they say to the trusted clock
 * (docs/time.md §Polling the links). Every few minutes, and soon after a link comes up; only links
 * that are up, never two questions at once to one link. One log line when a link's answer changes
 * (a time, none, an error), none per poll; whether a time is believed is the clock's to say.
 *
 * Knows links only through the link contract (docs/architecture.md §The dependency rule).
 */
import type { Logger } from '../base/logger.js';
import { type Clock, systemClock, type Timer } from '../link/clock.js';
import { hasTimeSource, type Link, type LinkState, type TimeSource } from '../link/link.js';
import type { DeviceTimeSource } from './trusted-clock.js';

export interface TimePollerOptions {
  /** The node's links; those without a time to give are left alone. */
  links: readonly Link[];
  /** Where the readings go: TrustedClock.observe. */
  clock: { observe(source: DeviceTimeSource, timeMs: number, observedAt?: number): unknown };
  /** Timers, and the scale a reading's moment is given on: the trusted clock's own. Default systemClock. */
  timers?: Clock;
  /** How often every link that is up is asked, ms. Default 300,000 (5 min). */
  intervalMs?: number;
  /** How long after a link comes up it is first asked, ms (a fix or a registration to settle). Default 15,000. */
  afterUpMs?: number;
  log: Logger;
}

type TimeLink = Link & TimeSource;

export class TimePoller {
  readonly #o: TimePollerOptions;
  readonly #t: Clock;
  readonly #intervalMs: number;
  readonly #afterUpMs: number;
  #links: TimeLink[] = [];
  readonly #listeners = new Map<TimeLink, (state: LinkState) => void>();
  readonly #soon = new Map<TimeLink, Timer>();
  readonly #busy = new Set<TimeLink>();
  /** The last answer logged per link: 'time:gps', 'none', 'error:CODE'… */
  readonly #said = new Map<TimeLink, string>();
  #round: Timer | undefined;
  #running = false;

  constructor(options: TimePollerOptions) {
    this.#o = options;
    this.#t = options.timers ?? systemClock;
    this.#intervalMs = options.intervalMs ?? 300_000;
    this.#afterUpMs = options.afterUpMs ?? 15_000;
  }

  /** Listens to the links' states and starts the rounds; a link already up is asked soon. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#links = this.#o.links.filter(hasTimeSource);
    for (const link of this.#links) {
      const listener = (state: LinkState) => {
        if (state.status === 'up') this.#askSoon(link);
      };
      this.#listeners.set(link, listener);
      link.on('state', listener);
      if (link.state.status === 'up') this.#askSoon(link);
    }
    this.#scheduleRound();
  }

  stop(): void {
    this.#running = false;
    this.#round?.cancel();
    for (const timer of this.#soon.values()) timer.cancel();
    this.#soon.clear();
    for (const [link, listener] of this.#listeners) link.off('state', listener);
    this.#listeners.clear();
  }

  /** Asks every link that is up now; resolves when all have answered. */
  async poll(): Promise<void> {
    await Promise.all(this.#links.filter((l) => l.state.status === 'up').map((l) => this.#ask(l)));
  }

  #scheduleRound(): void {
    this.#round = this.#t.after(this.#intervalMs, () => {
      if (!this.#running) return;
      this.#scheduleRound();
      void this.poll();
    });
  }

  #askSoon(link: TimeLink): void {
    this.#soon.get(link)?.cancel();
    this.#soon.set(
      link,
      this.#t.after(this.#afterUpMs, () => {
        this.#soon.delete(link);
        if (this.#running && link.state.status === 'up') void this.#ask(link);
      }),
    );
  }

  /** One question to one link; every outcome is handled here. */
  async #ask(link: TimeLink): Promise<void> {
    if (this.#busy.has(link)) return;
    this.#busy.add(link);
    try {
      let answer: Awaited<ReturnType<TimeSource['networkTime']>>;
      try {
        answer = await link.networkTime();
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        this.#say(link, `error:${typeof code === 'string' ? code : (err as Error)?.name}`, 'warn', {
          msg: 'reading the time from the link failed; asking again at the next poll',
          err,
        });
        return;
      }
      const observedAt = this.#t.now();
      if (!this.#running) return;
      if (answer === undefined) {
        this.#say(link, 'none', 'info', { msg: 'the link has no time to give yet (no GPS fix, no network)' });
        return;
      }
      const { time, source } = answer;
      if (source === 'ntp') {
        // NTP over an unauthenticated network proves nothing on a kit (docs/time.md §The sources).
        this.#say(link, 'ntp', 'info', {
          msg: 'the link offers NTP time, which is not a trusted source; ignored',
        });
        return;
      }
      if ((source !== 'gps' && source !== 'iridium') || typeof time !== 'number' || !Number.isFinite(time)) {
        this.#say(link, 'invalid', 'warn', { msg: 'the link gave a time that is not one; ignored', answer });
        return;
      }
      // Whether the time is believed is the clock's to decide and to log.
      this.#o.clock.observe(source, time, observedAt);
      this.#say(link, `time:${source}`, 'info', { msg: `the link gives ${source} time` });
    } finally {
      this.#busy.delete(link);
    }
  }

  /** Logs a link's answer only when it differs from the last one logged. */
  #say(
    link: TimeLink,
    what: string,
    level: 'info' | 'warn',
    fields: { msg: string } & Record<string, unknown>,
  ): void {
    if (this.#said.get(link) === what) return;
    this.#said.set(link, what);
    const { msg, ...rest } = fields;
    this.#o.log[level]({ link: link.id, ...rest }, msg);
  }
}

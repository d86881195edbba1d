/**
 * Keeps the links running (docs/links.md §Supervision: links report, supervisors retry;
 * docs/operating.md §Logs). This is the only place anything restarts a link: a link that is down
 * for any reason but 'stopped' is started again after a backoff (1 s doubling to 60 s, with
 * jitter), and again after each attempt that leaves it down, until it is up or the supervisor
 * stops. A link that could not even be built is supervised the same way, through the composition
 * root's stand-in (node/src/composition/pending-link.ts; docs/centre-doors.md §A link that cannot
 * start).
 *
 * A link logs its own transitions (node/src/link/link-base.ts); the supervisor logs what it
 * decides and what it sees over time:
 * - a start() that threw, once per distinct error until the link is up again, so that a link
 *   retried every minute against the same fault does not fill the log;
 * - while a link stays down, a reminder now and then ({@link DOWN_REMINDERS}: after 1, 10 and 60
 *   minutes, then every hour): how long, how many attempts, and the last error. Someone who
 *   opens the log at night sees that the radio has been unplugged for three hours without reading
 *   back to the line that said so;
 * - that a link is back, after how long and how many attempts.
 *
 * What it knows of a link that is down (since when, how many attempts, the last error) is in the
 * status too ({@link LinkSupervisor.fields}).
 */

import type { LinkOutage } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import { type BackoffOptions, backoffMs } from '../core/backoff.js';
import { span } from '../core/trusted-clock.js';
import type { Link, LinkState } from '../link/link.js';

/** The restart backoff unless the caller sets one. */
export const RESTART_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };

/** When a link that stays down is reported again: at these ms after it went down, then every `thenEveryMs`. */
export interface DownReminders {
  atMs: readonly number[];
  thenEveryMs: number;
}

export const DOWN_REMINDERS: DownReminders = { atMs: [60_000, 600_000, 3_600_000], thenEveryMs: 3_600_000 };

export interface LinkSupervisorOptions {
  /** Delays between restarts. Default {@link RESTART_BACKOFF}. */
  backoff?: BackoffOptions;
  /** [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
  /** Monotonic ms, for how long a link has been down (a system clock may be stepped). Default performance.now. */
  now?: () => number;
  /** Unix ms, for the status's `outage.since`. Default Date.now. */
  wallNow?: () => number;
  /** When a link still down is reported. Default {@link DOWN_REMINDERS}. */
  reminders?: DownReminders;
}

/** A link that is down, since the supervisor saw it go. */
interface Outage {
  since: number;
  /** The same moment in unix ms, for the status. */
  wallSince: number;
  /** Starts tried since it went down, the one that found it down included. */
  attempts: number;
  /** Of those, the restarts after a backoff: the backoff grows with them. */
  restarts: number;
  /** What the last attempt said: its error, or the state it left the link in. */
  lastError: string;
  /** The start() error last logged, until the link is up again. */
  loggedError?: string;
  /** Reminders logged. */
  reminded: number;
}

export class LinkSupervisor {
  readonly #links: Link[];
  readonly #log: Logger;
  readonly #backoff: BackoffOptions;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #wallNow: () => number;
  readonly #reminders: DownReminders;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #outages = new Map<string, Outage>();
  readonly #listeners = new Map<Link, (s: LinkState) => void>();
  #stopping = false;

  constructor(links: Link[], log: Logger, opts: LinkSupervisorOptions = {}) {
    this.#links = links;
    this.#log = log;
    this.#backoff = opts.backoff ?? RESTART_BACKOFF;
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? (() => performance.now());
    this.#wallNow = opts.wallNow ?? Date.now;
    this.#reminders = opts.reminders ?? DOWN_REMINDERS;
    const { atMs, thenEveryMs } = this.#reminders;
    if (!(thenEveryMs > 0) || atMs.some((ms, i) => !(ms > (atMs[i - 1] ?? 0))))
      throw new RangeError(
        `reminders must be ascending and positive, got ${atMs.join(', ')} then ${thenEveryMs}`,
      );
  }

  /** Starts every link once; those that stay down are retried in the background. */
  async start(): Promise<void> {
    for (const link of this.#links) {
      const onState = (s: LinkState) => this.#onState(link, s);
      this.#listeners.set(link, onState);
      link.on('state', onState);
      await this.#attempt(link);
    }
  }

  /**
   * `{ outage }` while the link is down and supervised, else `{}`: for its LinkStatus, where the
   * state's own `since` says only when the last attempt ended.
   */
  fields(linkId: string): { outage?: LinkOutage } {
    const o = this.#outages.get(linkId);
    if (o === undefined || this.#stopping) return {};
    return { outage: { since: o.wallSince, attempts: o.attempts, lastError: o.lastError } };
  }

  /** Restarts nothing more and stops every link, each in its own try. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const [link, onState] of this.#listeners) link.off('state', onState);
    for (const link of this.#links) {
      try {
        await link.stop();
      } catch (err) {
        this.#log.warn({ err, link: link.id }, 'link did not stop cleanly');
      }
    }
  }

  #onState(link: Link, state: LinkState): void {
    if (state.status === 'up') {
      const outage = this.#outages.get(link.id);
      if (outage !== undefined && outage.attempts > 0)
        this.#log.info(
          { link: link.id, attempts: outage.attempts, downMs: Math.round(this.#now() - outage.since) },
          `link is back after ${span(this.#now() - outage.since)} down, ${attempts(outage.attempts)}`,
        );
      this.#outages.delete(link.id);
      clearTimeout(this.#timers.get(link.id));
      this.#timers.delete(link.id);
    } else if (state.status === 'down' && state.reason !== 'stopped') {
      this.#outage(link).lastError = stateText(state);
      this.#schedule(link);
    }
  }

  /** The link's outage, begun now if it was not down yet. */
  #outage(link: Link): Outage {
    let outage = this.#outages.get(link.id);
    if (outage === undefined) {
      outage = {
        since: this.#now(),
        wallSince: this.#wallNow(),
        attempts: 0,
        restarts: 0,
        lastError: '',
        reminded: 0,
      };
      this.#outages.set(link.id, outage);
    }
    return outage;
  }

  /** One restart after the backoff, unless one is already waiting. */
  #schedule(link: Link): void {
    if (this.#stopping || this.#timers.has(link.id)) return;
    const n = this.#outages.get(link.id)?.restarts ?? 0;
    const timer = setTimeout(
      () => {
        this.#timers.delete(link.id);
        const outage = this.#outages.get(link.id);
        if (outage !== undefined) outage.restarts++;
        void this.#attempt(link);
      },
      backoffMs(n, this.#backoff, this.#random),
    );
    timer.unref();
    this.#timers.set(link.id, timer);
  }

  async #attempt(link: Link): Promise<void> {
    if (this.#stopping) return;
    const during = this.#outages.get(link.id);
    if (during !== undefined) during.attempts++;
    let thrown: string | undefined;
    try {
      await link.start();
    } catch (err) {
      thrown = errorText(err);
      const outage = this.#outage(link);
      if (outage.loggedError !== thrown) {
        outage.loggedError = thrown;
        this.#log.error({ err, link: link.id }, 'link failed to start; it is tried again');
      }
    }
    // An attempt that changed nothing (the link held down, or a start that threw) emits no new
    // state: schedule the next one here.
    const s = link.state;
    if (s.status === 'down' && s.reason !== 'stopped') {
      const outage = this.#outage(link);
      // The first attempt, at start, found the link down: the outage begins with it.
      if (during === undefined) outage.attempts++;
      outage.lastError = thrown ?? stateText(s);
      this.#remind(link, outage, s);
      this.#schedule(link);
    }
  }

  /** Logs that the link is still down, when the next reminder is due. */
  #remind(link: Link, outage: Outage, state: Extract<LinkState, { status: 'down' }>): void {
    const downMs = this.#now() - outage.since;
    if (downMs < this.#reminderAt(outage.reminded)) return;
    // One line however many reminders were skipped (a clock that jumped, an attempt that took long).
    while (downMs >= this.#reminderAt(outage.reminded + 1)) outage.reminded++;
    outage.reminded++;
    // The state's own words, or what the last start() threw when that says something else.
    const said =
      outage.lastError === stateText(state)
        ? state.detail === undefined
          ? {}
          : { detail: state.detail }
        : { lastError: outage.lastError };
    this.#log.warn(
      { link: link.id, reason: state.reason, ...said, downMs: Math.round(downMs), attempts: outage.attempts },
      `link still down after ${span(downMs)}, ${attempts(outage.attempts)}`,
    );
  }

  /** When reminder number `n` (from 0) is due, ms after the link went down. */
  #reminderAt(n: number): number {
    const { atMs, thenEveryMs } = this.#reminders;
    if (n < atMs.length) return atMs[n] as number;
    return (atMs.at(-1) ?? 0) + (n - atMs.length + 1) * thenEveryMs;
  }
}

/** A down state as the supervisor's lines say it: "no-device: cannot open /dev/ttyUSB0". */
function stateText(state: Extract<LinkState, { status: 'down' }>): string {
  return state.detail ? `${state.reason}: ${state.detail}` : state.reason;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return `${typeof code === 'string' ? code : err.name}: ${err.message}`;
}

const attempts = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;

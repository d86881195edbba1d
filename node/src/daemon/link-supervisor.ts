/**
 * Keeps the links running (docs/links.md §Supervision: links report, supervisors retry). This is
 * the only place anything restarts a link: a link that is down for any reason but 'stopped' is
 * started again after a backoff (1 s doubling to 60 s, with jitter), and again after each attempt
 * that leaves it down, until it is up or the supervisor stops. A link logs its own transitions
 * (node/src/link/link-base.ts); the supervisor logs only what it decides: that a link is back after
 * failed attempts, and a start() that threw, once per distinct error until the link is up again,
 * so that a link retried every minute against the same fault does not fill the log. A link that
 * could not even be built is supervised the same way, through the composition root's stand-in
 * (node/src/composition/pending-link.ts; docs/centre-doors.md §A link that cannot start).
 */

import type { Logger } from '../base/logger.js';
import { type BackoffOptions, backoffMs } from '../core/backoff.js';
import type { Link, LinkState } from '../link/link.js';

/** The restart backoff unless the caller sets one. */
export const RESTART_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };

export interface LinkSupervisorOptions {
  /** Delays between restarts. Default {@link RESTART_BACKOFF}. */
  backoff?: BackoffOptions;
  /** [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
}

export class LinkSupervisor {
  readonly #links: Link[];
  readonly #log: Logger;
  readonly #backoff: BackoffOptions;
  readonly #random: () => number;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Restarts tried since the link was last up. */
  readonly #failures = new Map<string, number>();
  /** The start() error last logged per link, until it is up again. */
  readonly #loggedError = new Map<string, string>();
  readonly #listeners = new Map<Link, (s: LinkState) => void>();
  #stopping = false;

  constructor(links: Link[], log: Logger, opts: LinkSupervisorOptions = {}) {
    this.#links = links;
    this.#log = log;
    this.#backoff = opts.backoff ?? RESTART_BACKOFF;
    this.#random = opts.random ?? Math.random;
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
      const failures = this.#failures.get(link.id) ?? 0;
      if (failures > 0) this.#log.info({ link: link.id, attempts: failures }, 'link is back');
      this.#failures.set(link.id, 0);
      this.#loggedError.delete(link.id);
      clearTimeout(this.#timers.get(link.id));
      this.#timers.delete(link.id);
    } else if (state.status === 'down' && state.reason !== 'stopped') {
      this.#schedule(link);
    }
  }

  /** One restart after the backoff, unless one is already waiting. */
  #schedule(link: Link): void {
    if (this.#stopping || this.#timers.has(link.id)) return;
    const n = this.#failures.get(link.id) ?? 0;
    const timer = setTimeout(
      () => {
        this.#timers.delete(link.id);
        this.#failures.set(link.id, n + 1);
        void this.#attempt(link);
      },
      backoffMs(n, this.#backoff, this.#random),
    );
    timer.unref();
    this.#timers.set(link.id, timer);
  }

  async #attempt(link: Link): Promise<void> {
    if (this.#stopping) return;
    try {
      await link.start();
    } catch (err) {
      const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (this.#loggedError.get(link.id) !== text) {
        this.#loggedError.set(link.id, text);
        this.#log.error({ err, link: link.id }, 'link failed to start; it is tried again');
      }
    }
    // An attempt that changed nothing (the link held down, or a start that threw) emits no new
    // state: schedule the next one here.
    const s = link.state;
    if (s.status === 'down' && s.reason !== 'stopped') this.#schedule(link);
  }
}

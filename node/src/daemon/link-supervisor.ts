/**
 * Keeps links running (STYLE.md §12.4: links report, supervisors retry): a link that goes down for
 * any reason but 'stopped' is started again after a backoff; each transition is logged once.
 */

import type { Logger } from '../base/logger.js';
import { backoffMs } from '../core/backoff.js';
import type { Link, LinkState } from '../link/link.js';

export class LinkSupervisor {
  readonly #links: Link[];
  readonly #log: Logger;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  #stopping = false;

  constructor(links: Link[], log: Logger) {
    this.#links = links;
    this.#log = log;
  }

  async start(): Promise<void> {
    for (const link of this.#links) {
      link.on('state', (s) => this.#onState(link, s));
      await this.#tryStart(link);
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers.values()) clearTimeout(t);
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
      if ((this.#failures.get(link.id) ?? 0) > 0) this.#log.info({ link: link.id }, 'link is up again');
      else this.#log.info({ link: link.id }, 'link is up');
      this.#failures.set(link.id, 0);
    } else if (state.status === 'down' && state.reason !== 'stopped' && !this.#stopping) {
      const n = this.#failures.get(link.id) ?? 0;
      if (n === 0)
        this.#log.warn(
          { link: link.id, reason: state.reason, detail: state.detail },
          'link is down; restarting it',
        );
      this.#failures.set(link.id, n + 1);
      clearTimeout(this.#timers.get(link.id));
      const timer = setTimeout(
        () => void this.#tryStart(link),
        backoffMs(n, { initialMs: 1000, maxMs: 60_000, jitter: 0.2 }),
      );
      timer.unref();
      this.#timers.set(link.id, timer);
    }
  }

  async #tryStart(link: Link): Promise<void> {
    if (this.#stopping) return;
    try {
      await link.start();
    } catch (err) {
      this.#log.error({ err, link: link.id }, 'link failed to start');
    }
  }
}

/**
 * What a relay does with a frame it cannot check (docs/security.md §Checked at this hop;
 * docs/wire-format.md §6.3): it never stores it, so the copy never claims the message's id (a
 * genuine frame that arrives later, before or after, is taken as if this one had never come); it
 * grants no custody, so the previous hop keeps trying until a node that can check takes it; and it
 * forwards it at most once, from memory, at the lowest priority, over links that cost nothing. A
 * forger's flood therefore spends no satellite credit and no store, and at most a bounded share of
 * the mesh's airtime.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../base/logger.js';
import type { InboundFrame } from '../link/link.js';
import type { Destination } from '../wire/envelope.js';
import type { CoreLink } from './core-types.js';
import type { RouteChoice } from './routing-table.js';

/** Unchecked frames forwarded per link per minute, at most: a forger gets no more of the air. */
export const UNCHECKED_PER_LINK_PER_MINUTE = 6;
/** Distinct unchecked frames remembered, so that none is forwarded twice. */
const REMEMBERED = 1024;

export interface UncheckedRelayOptions {
  links: readonly CoreLink[];
  /** Where the routing table would send a message to `dest` now (the core's choice, unfiltered). */
  routesFor: (dest: Destination, cameFrom: string | undefined) => RouteChoice[];
  now: () => number;
  log: Logger;
  perLinkPerMinute?: number;
}

export interface UncheckedOutcome {
  /** The links it went out on. */
  forwarded: string[];
  /** Why it went nowhere, when it did not. */
  dropped?: 'seen' | 'no-free-route' | 'rate-limited';
}

export class UncheckedRelay {
  readonly #o: UncheckedRelayOptions;
  readonly #seen = new Set<string>();
  readonly #sentThisMinute = new Map<string, { minute: number; count: number }>();

  constructor(options: UncheckedRelayOptions) {
    this.#o = options;
  }

  /**
   * Forwards `bytes` (the frame as it came, with its hop tag container if any) once, over the free
   * links the routing table names for `dest`, except straight back where it came from.
   */
  forward(bytes: Uint8Array, dest: Destination, inbound: InboundFrame): UncheckedOutcome {
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
    if (this.#seen.has(digest)) return { forwarded: [], dropped: 'seen' };
    this.#remember(digest);
    const from = inbound.meta?.from;
    const byLink = new Map(this.#o.links.map((l) => [l.link.id, l]));
    const choices = this.#o.routesFor(dest, from).filter((c) => {
      const link = byLink.get(c.link)?.link;
      if (!link || link.capabilities.billing !== undefined || byLink.get(c.link)?.costClass === 'satellite')
        return false;
      // Never back onto a shared medium it came from: its sender's transmission has reached
      // everyone in range already, and the radios' own flooding does the rest; a copy from here
      // would only spend airtime. On a point-to-point link, on only toward another peer.
      if (c.link !== inbound.link) return true;
      return !link.capabilities.sharedMedium && c.nextHop !== undefined && c.nextHop !== from;
    });
    if (choices.length === 0) return { forwarded: [], dropped: 'no-free-route' };
    const forwarded: string[] = [];
    for (const c of choices) {
      if (!this.#take(c.link)) continue;
      const link = byLink.get(c.link)?.link;
      if (link?.state.status !== 'up') continue;
      forwarded.push(c.link);
      link
        .send(bytes, { priority: 3, ...(c.nextHop !== undefined ? { to: c.nextHop } : {}) })
        .catch((err: unknown) => this.#o.log.debug({ err, link: c.link }, 'unchecked frame not forwarded'));
    }
    return forwarded.length > 0 ? { forwarded } : { forwarded, dropped: 'rate-limited' };
  }

  #remember(digest: string): void {
    this.#seen.add(digest);
    if (this.#seen.size > REMEMBERED) {
      const oldest = this.#seen.values().next().value as string;
      this.#seen.delete(oldest);
    }
  }

  /** One token from the link's budget for this minute. */
  #take(linkId: string): boolean {
    const minute = Math.floor(this.#o.now() / 60_000);
    const used = this.#sentThisMinute.get(linkId);
    const limit = this.#o.perLinkPerMinute ?? UNCHECKED_PER_LINK_PER_MINUTE;
    if (!used || used.minute !== minute) {
      this.#sentThisMinute.set(linkId, { minute, count: 1 });
      return true;
    }
    if (used.count >= limit) return false;
    used.count++;
    return true;
  }
}

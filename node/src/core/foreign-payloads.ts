/**
 * Foreign payloads: what a link handed on that is not a fieldnode frame (node/src/wire/classify.ts;
 * docs/links.md §The link contract). A test text sent from a satellite portal, a tracker on the
 * same RockBLOCK account, another application on our radio port: not forged frames to refuse but
 * someone else's data, which the carrier may already have been told had arrived (a RockBLOCK push
 * answered 200, a DirectIP MO message confirmed, a credit spent). So none is lost:
 *
 * - the core emits each one as its `foreign` event, for the composition root to persist;
 * - the most recent ones are kept here in memory, up to a bound, for the status page;
 * - each is logged at warn, at most `logBurst` of them per `logWindowMs`; those left out are counted
 *   and summed up in one line when the next one comes after the window.
 *
 * The core classifies a payload once, as it takes it apart; this module only keeps what it found.
 */
import type { Logger } from '../base/logger.js';
import type { NotFieldnode } from '../wire/classify.js';

/** One payload that is not a fieldnode frame, and where it came from. */
export interface ForeignPayload {
  /** The id of the link that handed it on. */
  link: string;
  /** The sender's address on that link (an IMEI, a mesh node, host:port), when the link knew it. */
  from?: string;
  /** What the carrier said about it (FrameMeta.source: MOMSN, session time…), when the link had it. */
  source?: Readonly<Record<string, unknown>>;
  /** The payload as it was received (or, for fragments, as it came together); a copy. */
  bytes: Uint8Array;
  /** Why it is not a fieldnode frame. */
  /**
   * Why it is kept: not a fieldnode frame, or a frame from a device not enrolled on a satellite
   * door that does not check end to end ('unknown-sender': released by the duty officer, or not).
   */
  reason: NotFieldnode | 'unknown-sender';
  /** The wire parser's words, for the log. */
  detail: string;
  /** When the link received it, Unix ms. */
  receivedAt: number;
}

/** Options for {@link ForeignPayloads}. */
export interface ForeignPayloadsOptions {
  log: Logger;
  /** The clock of the log's rate limit, ms. */
  now: () => number;
  /** How many are kept in memory; older ones are dropped (the event had them). Default 100. */
  limit?: number;
  /** How many are logged one by one per window. Default 10. */
  logBurst?: number;
  /** The window of the log's rate limit, ms. Default 60,000. */
  logWindowMs?: number;
}

/** The most payload bytes written into a log line, as hex: a whole satellite MO message (340). */
const LOGGED_BYTES = 400;

/** A bounded, oldest-first list of foreign payloads, with a rate-limited log. */
export class ForeignPayloads {
  readonly #items: ForeignPayload[] = [];
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #limit: number;
  readonly #burst: number;
  readonly #windowMs: number;
  #total = 0;
  #windowStart = Number.NEGATIVE_INFINITY;
  #loggedInWindow = 0;
  #leftOut = 0;

  constructor(opts: ForeignPayloadsOptions) {
    this.#log = opts.log;
    this.#now = opts.now;
    this.#limit = opts.limit ?? 100;
    this.#burst = opts.logBurst ?? 10;
    this.#windowMs = opts.logWindowMs ?? 60_000;
    if (!Number.isInteger(this.#limit) || this.#limit < 0)
      throw new RangeError(`limit must be an integer ≥ 0, got ${this.#limit}`);
  }

  /** Keeps one payload and logs it (within the rate limit). */
  keep(item: ForeignPayload): void {
    this.#total++;
    this.#items.push(item);
    if (this.#items.length > this.#limit) this.#items.splice(0, this.#items.length - this.#limit);
    this.#report(item);
  }

  /** The payloads still in memory, oldest first. */
  items(): readonly ForeignPayload[] {
    return [...this.#items];
  }

  /** How many were ever kept, including those no longer in memory. */
  get total(): number {
    return this.#total;
  }

  #report(item: ForeignPayload): void {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      if (this.#leftOut > 0) {
        this.#log.warn(
          { count: this.#leftOut, windowMs: this.#windowMs, total: this.#total - 1 },
          'more foreign payloads were kept than logged one by one',
        );
      }
      this.#windowStart = now;
      this.#loggedInWindow = 0;
      this.#leftOut = 0;
    }
    if (this.#loggedInWindow >= this.#burst) {
      this.#leftOut++;
      return;
    }
    this.#loggedInWindow++;
    const { link, from, source, bytes, reason, detail } = item;
    this.#log.warn(
      {
        link,
        from,
        reason,
        detail,
        source,
        bytes: bytes.length,
        hex: Buffer.from(bytes.subarray(0, LOGGED_BYTES)).toString('hex'),
      },
      'foreign payload kept: not a fieldnode frame',
    );
  }
}

/**
 * The simulated RockBLOCK cloud's delivery of MO pushes to a centre (docs/iridium.md §2.1):
 * one POST per MO session, answered 200 within 3 s or tried again later. Rock7 calls this
 * "guaranteed delivery" without publishing the schedule [U]; the default here is 5 s, 30 s, 1 min,
 * 5 min, then every 10 min for a day. Each attempt is signed afresh (a new `iat`): whether Rock7
 * re-signs retries is unknown [U], and re-signing is the case a receiver with a tight `iat` window
 * would get wrong.
 */
import type { KeyObject } from 'node:crypto';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import { PUSH_CONTENT_TYPE, type PushFormat, type PushInput, pushBody, pushFields } from './push-request.js';

export interface PushDeliveryOptions {
  clock: Clock;
  /** Where to POST; undefined: hold pushes until one is set (they wait, as at Rock7). */
  url: () => string | undefined;
  format?: PushFormat;
  /** The signing key. Default: the repository's test key (test-key.ts), for tests only. */
  key?: KeyObject;
  /** An attempt not answered within this has failed, ms. Default 3000 (Rock7's limit). */
  timeoutMs?: number;
  /** Waits before each retry, ms; the last repeats until `lifetimeMs`. */
  retryDelaysMs?: readonly number[];
  /** A push not delivered within this is dropped and counted, ms. Default one day. */
  lifetimeMs?: number;
  /** Unix seconds for `iat`. Default from Date.now. */
  unixNow?: () => number;
  log?: Logger;
}

export interface PushDeliveryCounters {
  delivered: number;
  attempts: number;
  failedAttempts: number;
  dropped: number;
  pending: number;
}

interface Pending {
  input: PushInput;
  firstAt: number;
  tries: number;
  timer?: Timer | undefined;
}

const DEFAULT_RETRIES = [5_000, 30_000, 60_000, 300_000, 600_000];

export class PushDelivery {
  readonly #opts: PushDeliveryOptions;
  readonly #log: Logger;
  readonly #pending = new Set<Pending>();
  readonly #inFlight = new Set<AbortController>();
  readonly #counters = { delivered: 0, attempts: 0, failedAttempts: 0, dropped: 0 };
  #closed = false;

  constructor(opts: PushDeliveryOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? silentLogger;
  }

  /** Queues one push and tries it at once. */
  deliver(input: PushInput): void {
    if (this.#closed) return;
    const p: Pending = { input, firstAt: this.#opts.clock.now(), tries: 0 };
    this.#pending.add(p);
    void this.#attempt(p);
  }

  /** Tries every waiting push now (e.g. after the URL was set). */
  retryNow(): void {
    for (const p of this.#pending) {
      if (p.timer) {
        p.timer.cancel();
        p.timer = undefined;
        void this.#attempt(p);
      }
    }
  }

  counters(): Readonly<PushDeliveryCounters> {
    return { ...this.#counters, pending: this.#pending.size };
  }

  /** Stops: cancels retries and aborts attempts in flight. */
  close(): void {
    this.#closed = true;
    for (const p of this.#pending) p.timer?.cancel();
    this.#pending.clear();
    for (const c of this.#inFlight) c.abort();
  }

  async #attempt(p: Pending): Promise<void> {
    const url = this.#opts.url();
    if (url === undefined) {
      this.#later(p, 'no push URL');
      return;
    }
    p.tries++;
    this.#counters.attempts++;
    const iat = Math.floor(this.#opts.unixNow?.() ?? Date.now() / 1000);
    const format = this.#opts.format ?? 'json';
    const body = pushBody(pushFields(p.input, iat, this.#opts.key), format);
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.#opts.timeoutMs ?? 3000);
    let problem: string | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': PUSH_CONTENT_TYPE[format], 'user-agent': 'Rock7PushApi' },
        body,
        signal: controller.signal,
      });
      await res.arrayBuffer();
      if (res.status !== 200) problem = `HTTP ${res.status}`;
    } catch (err) {
      problem = controller.signal.aborted ? 'no answer within the limit' : (err as Error).message;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
    if (this.#closed) return;
    if (problem === undefined) {
      this.#counters.delivered++;
      this.#pending.delete(p);
      return;
    }
    this.#counters.failedAttempts++;
    this.#later(p, problem);
  }

  #later(p: Pending, problem: string): void {
    const delays = this.#opts.retryDelaysMs ?? DEFAULT_RETRIES;
    const delay = delays[Math.min(Math.max(0, p.tries - 1), delays.length - 1)] ?? 600_000;
    const age = this.#opts.clock.now() - p.firstAt;
    if (age + delay > (this.#opts.lifetimeMs ?? 86_400_000)) {
      this.#counters.dropped++;
      this.#pending.delete(p);
      this.#log.warn(
        { imei: p.input.imei, momsn: p.input.momsn, tries: p.tries },
        'rockblock sim: push dropped',
      );
      return;
    }
    this.#log.debug(
      { imei: p.input.imei, momsn: p.input.momsn, problem, delay },
      'rockblock sim: push will be retried',
    );
    p.timer = this.#opts.clock.after(delay, () => {
      p.timer = undefined;
      void this.#attempt(p);
    });
  }
}

/**
 * The progressive delay after wrong PINs (docs/api.md §Signing in; docs/security.md §The kit's
 * Wi-Fi): per client address, each attempt waits until the delay its failures earned has passed
 * (0 s after none, then 1, 2, 4 … s, at most 30 s), and the count decays by one for each quiet
 * `decayMs`. A right PIN clears the count.
 *
 * There is no lockout, by design: a prankster on the Wi-Fi must never be able to keep a village's
 * responder from signing in during a warning. Their failures slow only their own address, and even
 * there the wait never exceeds the cap.
 *
 * Waiting is a timer, never a busy loop: other clients, and everything else the node does, go on
 * meanwhile. A client's attempts are taken one at a time, so sending many at once gains nothing;
 * beyond `maxWaiting` queued attempts the next is refused at once (API_SIGN_IN_BUSY) rather than
 * held, which bounds the memory a flood can take. So does `maxClients`.
 */
import { ApiError } from './api-errors.js';

export interface PinDelayOptions {
  /** Monotonic ms. Default performance.now. */
  now?: () => number;
  /** Waits `ms`. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The delay after the first failure, ms; each further one doubles it. Default 1000. */
  baseMs?: number;
  /** The longest delay, ms. Default 30,000. */
  capMs?: number;
  /** One failure is forgotten per this much time without one, ms. Default 60,000. */
  decayMs?: number;
  /** Clients tracked at once; the quietest are forgotten beyond. Default 1024. */
  maxClients?: number;
  /** Attempts of one client queued at once. Default 3. */
  maxWaiting?: number;
}

interface ClientRecord {
  failures: number;
  /** When the last failure was, monotonic ms. */
  lastFailureAt: number;
  waiting: number;
  turn: Promise<unknown>;
}

export interface PinAttempt {
  ok: boolean;
  /** After a failure: how long the next attempt of this client will wait, ms. */
  retryAfterMs: number;
}

export class PinDelay {
  readonly #o: Required<PinDelayOptions>;
  readonly #clients = new Map<string, ClientRecord>();

  constructor(options: PinDelayOptions = {}) {
    this.#o = {
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      baseMs: 1000,
      capMs: 30_000,
      decayMs: 60_000,
      maxClients: 1024,
      maxWaiting: 3,
      ...options,
    };
  }

  /** The delay `failures` failures earn, ms: 0, base, 2·base, 4·base … at most the cap. */
  delayFor(failures: number): number {
    if (failures <= 0) return 0;
    return Math.min(this.#o.capMs, this.#o.baseMs * 2 ** Math.min(failures - 1, 30));
  }

  /** How long an attempt of `client` made now would wait, ms. */
  waitFor(client: string): number {
    const c = this.#clients.get(client);
    return c === undefined ? 0 : Math.max(0, c.lastFailureAt + this.delayFor(c.failures) - this.#o.now());
  }

  /**
   * Runs `check` for `client` once its wait is over, and counts a failure when it says false.
   * @throws ApiError API_SIGN_IN_BUSY when `maxWaiting` attempts of this client are queued already.
   */
  attempt(client: string, check: () => Promise<boolean>): Promise<PinAttempt> {
    const c = this.#record(client);
    if (c.waiting >= this.#o.maxWaiting)
      return Promise.reject(
        new ApiError(
          'API_SIGN_IN_BUSY',
          'a sign-in from this device is already waiting: wait for its answer',
          {
            retryAfterMs: Math.ceil(this.waitFor(client)),
          },
        ),
      );
    c.waiting++;
    const run = c.turn.then(async () => {
      const wait = this.waitFor(client);
      if (wait > 0) await this.#o.sleep(wait);
      const ok = await check();
      const now = this.#o.now();
      if (ok) {
        c.failures = 0;
        return { ok, retryAfterMs: 0 };
      }
      c.failures = this.#decayed(c, now) + 1;
      c.lastFailureAt = now;
      return { ok, retryAfterMs: this.delayFor(c.failures) };
    });
    const settled = run.finally(() => {
      c.waiting--;
      if (c.waiting === 0 && c.failures === 0) this.#clients.delete(client);
    });
    c.turn = settled.catch(() => {});
    return settled;
  }

  /** Clients tracked now (for the memory bound's test). */
  get tracked(): number {
    return this.#clients.size;
  }

  #decayed(c: ClientRecord, now: number): number {
    return Math.max(0, c.failures - Math.floor((now - c.lastFailureAt) / this.#o.decayMs));
  }

  #record(client: string): ClientRecord {
    let c = this.#clients.get(client);
    if (c !== undefined) return c;
    if (this.#clients.size >= this.#o.maxClients) this.#forget();
    c = { failures: 0, lastFailureAt: 0, waiting: 0, turn: Promise.resolve() };
    this.#clients.set(client, c);
    return c;
  }

  /** Forgets those whose failures have decayed, else the oldest idle one. */
  #forget(): void {
    const now = this.#o.now();
    for (const [client, c] of this.#clients)
      if (c.waiting === 0 && this.#decayed(c, now) === 0) this.#clients.delete(client);
    if (this.#clients.size < this.#o.maxClients) return;
    for (const [client, c] of this.#clients) {
      if (c.waiting === 0) {
        this.#clients.delete(client);
        return;
      }
    }
  }
}

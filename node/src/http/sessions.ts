/**
 * Signed-in sessions (docs/api.md §Sessions): a random id per sign-in, kept in memory, ended by
 * sign-out, by being unused for the idle time, or by its absolute lifetime.
 *
 * - Times are read from a monotonic clock (injected), never the wall clock: a kit's clock can be
 *   stepped by days when GPS first fixes after a power cut, which must neither end every session
 *   nor keep one alive.
 * - A session holds only the person's roster id. Roles and areas are read from the roster at each
 *   request (people-directory.ts), so a person removed from the roster is signed out at once.
 * - Sessions do not survive a restart: the cookie key does, so the browser's cookie is refused as
 *   "not signed in" and the person signs in again. What they were sending is not lost: a report's
 *   idempotency key is durable (idempotency-journal.ts).
 * - At most `max` sessions; beyond, the least recently used ends, so memory stays bounded.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  /** 32 random bytes, base64url: the cookie's value. */
  readonly id: string;
  readonly personId: number;
  /** Monotonic ms. */
  readonly createdAt: number;
  lastSeen: number;
}

export interface SessionStoreOptions {
  idleMs: number;
  absoluteMs: number;
  /** Monotonic ms. Default performance.now. */
  now?: () => number;
  /** Most sessions kept. Default 1000. */
  max?: number;
}

/** Owns the sessions in effect, most recently used last. */
export class SessionStore {
  readonly #o: Required<SessionStoreOptions>;
  readonly #sessions = new Map<string, Session>();

  constructor(options: SessionStoreOptions) {
    this.#o = { now: () => performance.now(), max: 1000, ...options };
  }

  get size(): number {
    return this.#sessions.size;
  }

  create(personId: number): Session {
    const now = this.#o.now();
    this.#sweep(now);
    while (this.#sessions.size >= this.#o.max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      personId,
      createdAt: now,
      lastSeen: now,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The session, renewed, or why there is none. */
  use(id: string): Session | 'expired' | 'unknown' {
    const session = this.#sessions.get(id);
    if (session === undefined) return 'unknown';
    const now = this.#o.now();
    if (this.#expired(session, now)) {
      this.#sessions.delete(id);
      return 'expired';
    }
    session.lastSeen = now;
    // Most recently used last, for the eviction in create().
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session;
  }

  /** Whether the session is in effect now, without renewing it. */
  inEffect(id: string): boolean {
    const session = this.#sessions.get(id);
    return session !== undefined && !this.#expired(session, this.#o.now());
  }

  /** When the session ends if unused from now, monotonic ms. */
  endsAt(session: Session): number {
    return Math.min(session.lastSeen + this.#o.idleMs, session.createdAt + this.#o.absoluteMs);
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  #expired(s: Session, now: number): boolean {
    return now - s.lastSeen >= this.#o.idleMs || now - s.createdAt >= this.#o.absoluteMs;
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#sessions) if (this.#expired(s, now)) this.#sessions.delete(id);
  }
}

/**
 * The CSRF token of a session (docs/api.md §CSRF): an HMAC of its id under the cookie key, so it is
 * bound to that session and needs no storage. The page reads it from GET /api/session and sends it
 * in `X-CSRF-Token`; another site can neither read it nor compute it.
 */
export function csrfToken(key: Buffer, sessionId: string): string {
  return createHmac('sha256', key).update(`csrf\0${sessionId}`).digest('base64url');
}

/** Whether `token` is the CSRF token of the session, compared in constant time. */
export function csrfTokenMatches(key: Buffer, sessionId: string, token: string): boolean {
  const want = Buffer.from(csrfToken(key, sessionId));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Idempotency keys (docs/api.md §Idempotency): every write carries an `Idempotency-Key`; a repeat
 * of a finished request gets the first response again, the same key with a different request is
 * refused (422), and a repeat while the first is still running is told so (409).
 *
 * A key belongs to a scope (the route and the signed-in person), so two people's keys never meet.
 * Records are kept 24 hours, at most `max` of them (the oldest go first). Kept in memory only, they
 * end with the process; with a journal (idempotency-journal.ts) they survive restarts, and a key
 * whose request was cut short by a restart comes back as `resumed` with the mark its first attempt
 * saved, so the service can find what that attempt made instead of making it again.
 *
 * Only what finished is replayed: a 2xx or 4xx response. After a 5xx or a thrown error the key is
 * free again in memory; in the journal its pending record stays, so the next attempt looks for
 * what the failed one may have made.
 *
 * A record is kept in memory as its journal line, made once: a response is read back from it only
 * when it is replayed, and a compaction writes the lines as they are. Two thousand replies kept as
 * objects would be two thousand object graphs for the garbage collector to walk, a line each is
 * one string (docs/api.md §Measured).
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../domain/audit/audit-entry.js';
import type { IdempotencyJournal, JournalRecord, KeptResponse } from './idempotency-journal.js';
import type { FilingMark } from './reports-service.js';

export type { KeptResponse };

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** What a key may look like: 8–128 characters a UUID, a ULID or base64url is written in. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-.:]{8,128}$/;
/** Records (a response and its key) larger than this are not kept (none of this API's writes answers with so much). */
const MAX_KEPT_BYTES = 64 * 1024;

export interface IdempotencyOptions {
  /** Keys the fingerprints (HMAC), so that a kept fingerprint of a sign-in tells nothing of its PIN. */
  key: Buffer;
  /** Makes the records durable. Default: memory only. */
  journal?: IdempotencyJournal;
  /** Wall-clock unix ms (records outlive the process). Default Date.now. */
  now?: () => number;
  /** Records kept at most. Default 2000. */
  max?: number;
}

export type Claim =
  | { kind: 'replay'; response: KeptResponse }
  | { kind: 'conflict' }
  | { kind: 'in-progress' }
  /** Go ahead; `earlier` is the mark a cut-short first attempt saved. */
  | { kind: 'go'; ticket: Ticket; earlier?: FilingMark };

export interface Ticket {
  readonly hash: string;
  readonly fingerprint: string;
}

/** A record as kept: what claim() reads, and the record's journal line (JSON, no newline). */
interface Kept {
  readonly k: string;
  readonly f: string;
  readonly t: number;
  readonly m?: FilingMark;
  /** The response is in the line: the request finished. */
  readonly done: boolean;
  readonly json: string;
}

function kept(record: JournalRecord, json = JSON.stringify(record)): Kept {
  return {
    k: record.k,
    f: record.f,
    t: record.t,
    ...(record.m === undefined ? {} : { m: record.m }),
    done: record.r !== undefined,
    json,
  };
}

export class Idempotency {
  readonly #o: Required<Omit<IdempotencyOptions, 'journal'>> & { journal?: IdempotencyJournal };
  /** By key hash, oldest first. */
  readonly #records = new Map<string, Kept>();
  readonly #running = new Set<string>();
  #compacting = false;

  constructor(options: IdempotencyOptions) {
    this.#o = { now: Date.now, max: 2000, ...options };
  }

  /** Loads the journal's records, if there is a journal. */
  async open(): Promise<void> {
    const journal = this.#o.journal;
    if (journal === undefined) return;
    const now = this.#o.now();
    const live = await journal.open((r) => !this.#stale(r, now));
    for (const r of live.sort((a, b) => a.t - b.t)) this.#records.set(r.k, kept(r));
  }

  /** Waits for the journal's appends and compaction, then closes it. */
  async close(): Promise<void> {
    await this.#o.journal?.close();
  }

  /** The fingerprint of a request: its route and its body, canonical. */
  fingerprint(route: string, body: unknown): string {
    return createHmac('sha256', this.#o.key)
      .update(`${route}\n${canonicalJson(body ?? null)}`)
      .digest('base64url');
  }

  /** Claims `key` in `scope` for a request with `fingerprint`. */
  claim(scope: string, key: string, fingerprint: string): Claim {
    const hash = createHash('sha256').update(`${scope}\0${key}`).digest('base64url');
    const record = this.#records.get(hash);
    const fresh = record !== undefined && !this.#stale(record, this.#o.now()) ? record : undefined;
    if (fresh !== undefined && fresh.f !== fingerprint) return { kind: 'conflict' };
    if (this.#running.has(hash)) return { kind: 'in-progress' };
    if (fresh?.done === true)
      return { kind: 'replay', response: (JSON.parse(fresh.json) as JournalRecord).r as KeptResponse };
    this.#running.add(hash);
    const ticket = { hash, fingerprint };
    return fresh?.m !== undefined ? { kind: 'go', ticket, earlier: fresh.m } : { kind: 'go', ticket };
  }

  /**
   * Saves, before the write is made, that it is about to be (journal only; synced). `mark` tells
   * a later attempt where to look. A key resumed after a restart keeps its first mark.
   */
  async pending(ticket: Ticket, mark: FilingMark): Promise<void> {
    const existing = this.#records.get(ticket.hash);
    if (existing?.m !== undefined || this.#o.journal === undefined) return;
    const record: JournalRecord = { k: ticket.hash, f: ticket.fingerprint, t: this.#o.now(), m: mark };
    await this.#keep(kept(record), existing);
  }

  /** Keeps the response of a finished request (2xx, 4xx) and frees the key. */
  async finish(ticket: Ticket, response: KeptResponse): Promise<void> {
    try {
      if (response.status >= 500) return;
      const before = this.#records.get(ticket.hash);
      const record: JournalRecord = {
        k: ticket.hash,
        f: ticket.fingerprint,
        t: before?.t ?? this.#o.now(),
        r: response,
      };
      // Written once: measured here, appended and kept as it is.
      const json = JSON.stringify(record);
      if (json.length > MAX_KEPT_BYTES) return;
      const written = this.#keep(kept(record, json), before);
      // With its pending mark on disk, a key whose done line a power cut loses is resumed from the
      // mark, and the service finds what this request made: the reply need not wait for this sync
      // (one fdatasync fewer on a filing's path). Without a mark the reply is the only record.
      if (before?.m !== undefined) written.catch(() => {});
      else await written;
      this.#compact();
    } finally {
      this.#running.delete(ticket.hash);
    }
  }

  /** Frees the key after a failure; a pending record in the journal stays (see the module comment). */
  abandon(ticket: Ticket): void {
    this.#running.delete(ticket.hash);
  }

  /** Records kept now. */
  get size(): number {
    return this.#records.size;
  }

  #put(record: Kept): void {
    this.#records.delete(record.k);
    this.#records.set(record.k, record);
    const now = this.#o.now();
    for (const [k, r] of this.#records) {
      if (this.#records.size <= this.#o.max && !this.#stale(r, now)) break;
      if (!this.#running.has(k)) this.#records.delete(k);
    }
  }

  /**
   * Keeps `record` in memory and in the journal. It is kept in memory first, so that a compaction
   * whose turn comes before its line writes it too; the key is still running meanwhile, so no
   * request sees it before it is synced. If the journal cannot take it, the record it replaced
   * comes back.
   */
  async #keep(record: Kept, before: Kept | undefined): Promise<void> {
    this.#put(record);
    try {
      await this.#o.journal?.append(record.json);
    } catch (err) {
      if (this.#records.get(record.k) === record) {
        this.#records.delete(record.k);
        if (before !== undefined) this.#records.set(record.k, before);
      }
      throw err;
    }
  }

  /**
   * Rewrites the journal once it holds more than twice what is live: one compaction at a time, in
   * the journal's turn, not awaited by the request that found it due.
   */
  #compact(): void {
    const journal = this.#o.journal;
    if (journal === undefined || this.#compacting || journal.lines <= 2 * this.#records.size + 100) return;
    this.#compacting = true;
    void journal
      .compact(() => Array.from(this.#records.values(), (r) => r.json))
      .finally(() => {
        this.#compacting = false;
      });
  }

  #stale(r: { t: number }, now: number): boolean {
    // A clock set back (a Pi without a battery-backed clock, after a power cut) makes a record look
    // new: it is kept, never taken for expired.
    return now - r.t > IDEMPOTENCY_TTL_MS;
  }
}

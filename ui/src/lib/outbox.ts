/**
 * The phone's outbox (docs/ui.md §Nothing typed is lost): a report the person sends is written to
 * the phone's storage with its idempotency key before the first attempt, and stays there until
 * the kit has answered it. Every attempt sends the same key, so the kit files it once however many
 * times it arrives (docs/api.md §Idempotency); a reload, a lost Wi-Fi or a kit that restarted
 * mid-answer changes nothing but when it goes.
 *
 * What an answer means for the entry:
 * - 2xx: filed (or filed before, and replayed): removed, and remembered among the sent;
 * - no answer, 5xx, 503 starting, 409 still running, 429: kept, tried again after a backoff (or
 *   the wait the kit asked for);
 * - 401: the session is gone (a kit's sessions end when it restarts): kept until the same person
 *   signs in again, then sent with the same key;
 * - a CSRF refusal: the token is stale: the session is read again, and the entry tried again;
 * - any other 4xx: refused for what it says (a figure, a missing reason, a closed incident); kept
 *   as refused, with the problems, for the person to correct. A corrected report is a new action
 *   with a new key: the kit would refuse the old key with another body.
 *
 * Several tabs share the storage: every change reads it afresh, changes one entry, and writes it
 * back, so that one tab does not overwrite what another added.
 *
 * The same outbox keeps a person's answers to a warning (docs/ui.md §Warnings, Answer in two taps):
 * an outbox is made for what it keeps (the body it posts, the labels of its entries, the reply the
 * kit gives and what is remembered of a sent entry), each under a storage key of its own, so the
 * reports' and the answers' lists stay apart while every rule above holds for both.
 */
import { ApiFailure, type WriteResult } from './api-client.js';
import type { ApiProblem, FiledReply, ReportDraftInput } from './api-types.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';

export const OUTBOX_STORAGE_KEY = 'fieldnode.outbox.v1';
/** Sent entries remembered for the delivery view. */
const SENT_KEPT = 30;

/** What the entry is, for the lists: a report's stage, or a zero report. */
export type OutboxLabel = 'initial' | 'update' | 'final' | 'zero';

export interface OutboxEntry<B = ReportDraftInput, L extends string = OutboxLabel> {
  /** Its idempotency key, sent with every attempt. */
  key: string;
  label: L;
  /** The route it is posted to. */
  path: string;
  body: B;
  /** Who wrote it: only they may send it (a phone can be shared). */
  personId: number;
  /** When it was written, unix ms (the phone's clock). */
  createdAt: number;
  attempts: number;
  /** `waiting` to be sent; `sign-in` until its person signs in again; `refused` by the kit. */
  state: 'waiting' | 'sign-in' | 'refused';
  /** When it may be tried next, unix ms. */
  nextTryAt?: number;
  /** The last failure. */
  error?: { code: string; message: string; problems: ApiProblem[]; network: boolean };
}

/** What every sent record holds: its key, and whose it was. */
export interface SentBase {
  key: string;
  personId: number;
  /** When the kit's answer came, unix ms. */
  sentAt: number;
}

/** A report the kit took. */
export interface SentRecord extends SentBase {
  label: OutboxLabel;
  /** The message it travels as (`origin/seq`). */
  messageId: string;
  reportId: string;
  incidentId: string;
  /** The kit had it already (an earlier attempt got through). */
  replayed: boolean;
  /** Figures recorded without the reason their change needs. */
  unexplained: string[];
}

interface Stored<E, S> {
  entries: E[];
  sent: S[];
}

/** What the kit's answer to a report leaves on the phone: its message, report and incident. */
export function reportSent(entry: OutboxEntry, result: WriteResult<FiledReply>, sentAt: number): SentRecord {
  const filed = result.body;
  return {
    key: entry.key,
    label: entry.label,
    personId: entry.personId,
    messageId: filed.message.id,
    reportId: filed.report.id,
    incidentId: filed.report.incidentId,
    sentAt,
    replayed: result.replayed,
    unexplained: filed.unexplained ?? [],
  };
}

export interface OutboxOptions<
  B = ReportDraftInput,
  L extends string = OutboxLabel,
  R = FiledReply,
  S extends SentBase = SentRecord,
> {
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** Where in the storage this outbox keeps its entries. Default OUTBOX_STORAGE_KEY (the reports'). */
  storageKey?: string;
  /** Sends one entry; throws ApiFailure when the API refuses or cannot be reached. */
  send: (entry: OutboxEntry<B, L>) => Promise<WriteResult<R>>;
  /** What is remembered of an entry the kit took (reportSent for reports). */
  record: (entry: OutboxEntry<B, L>, result: WriteResult<R>, sentAt: number) => S;
  /** Who is signed in now: only their entries are sent. */
  person: () => number | undefined;
  /** Reads the session again after a CSRF refusal. Default: nothing. */
  refreshSession?: () => Promise<void>;
  /** Told after every change. */
  onChange?: () => void;
  /** unix ms. Default Date.now. */
  now?: () => number;
  backoff?: BackoffOptions;
  /** Default globalThis.setTimeout / clearTimeout. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export class Outbox<
  B = ReportDraftInput,
  L extends string = OutboxLabel,
  R = FiledReply,
  S extends SentBase = SentRecord,
> {
  readonly #o: OutboxOptions<B, L, R, S>;
  readonly #inFlight = new Set<string>();
  #timer: unknown;
  #flushing: Promise<void> | undefined;
  #again: 'plain' | 'force' | undefined;
  #next: Promise<void> | undefined;

  constructor(options: OutboxOptions<B, L, R, S>) {
    this.#o = options;
  }

  entries(): OutboxEntry<B, L>[] {
    return this.#load().entries;
  }

  sent(): S[] {
    return this.#load().sent;
  }

  /** Whether an attempt for this key is on its way now. */
  sending(key: string): boolean {
    return this.#inFlight.has(key);
  }

  /** Keeps a new entry (on the phone first), then tries to send it. */
  add(entry: Omit<OutboxEntry<B, L>, 'attempts' | 'state' | 'createdAt'>): OutboxEntry<B, L> {
    const full: OutboxEntry<B, L> = { ...entry, createdAt: this.#now(), attempts: 0, state: 'waiting' };
    this.#update((s) => {
      s.entries.push(full);
    });
    void this.flush();
    return full;
  }

  /** Drops an entry the person gave up (a refused one, taken back into the form). */
  discard(key: string): void {
    this.#update((s) => {
      s.entries = s.entries.filter((e) => e.key !== key);
    });
  }

  /**
   * Sends every entry of the person signed in that is due (or all of theirs with `force`: the kit
   * just came back, or they just signed in). One flush runs at a time; a call during one runs
   * another after it.
   */
  flush(force = false): Promise<void> {
    if (this.#flushing !== undefined) {
      // Asked again while one runs: once it ends, another runs, forced if any asker wanted that.
      this.#again = this.#again === 'force' || force ? 'force' : 'plain';
      return this.#flushing.then(() => this.#next ?? undefined);
    }
    this.#flushing = this.#run(force).finally(() => {
      this.#flushing = undefined;
      const again = this.#again;
      this.#again = undefined;
      if (again !== undefined)
        this.#next = this.flush(again === 'force').finally(() => {
          this.#next = undefined;
        });
      else this.#schedule();
    });
    return this.#flushing;
  }

  stop(): void {
    if (this.#timer !== undefined) (this.#o.clearTimer ?? clearTimeout)(this.#timer as never);
    this.#timer = undefined;
  }

  async #run(force: boolean): Promise<void> {
    const person = this.#o.person();
    if (person === undefined) return;
    const now = this.#now();
    const due = this.#load().entries.filter(
      (e) =>
        e.personId === person &&
        e.state !== 'refused' &&
        !this.#inFlight.has(e.key) &&
        (force || e.state === 'sign-in' || (e.nextTryAt ?? 0) <= now),
    );
    for (const entry of due) await this.#attempt(entry);
  }

  async #attempt(entry: OutboxEntry<B, L>): Promise<void> {
    this.#inFlight.add(entry.key);
    this.#o.onChange?.();
    try {
      const result = await this.#o.send(entry);
      this.#done(entry, result);
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : new ApiFailure(0, { message: String(err) }, true);
      await this.#failed(entry, failure);
    } finally {
      this.#inFlight.delete(entry.key);
      this.#o.onChange?.();
    }
  }

  #done(entry: OutboxEntry<B, L>, result: WriteResult<R>): void {
    const record = this.#o.record(entry, result, this.#now());
    this.#update((s) => {
      s.entries = s.entries.filter((e) => e.key !== entry.key);
      s.sent = [record, ...s.sent.filter((r) => r.key !== entry.key)].slice(0, SENT_KEPT);
    });
  }

  async #failed(entry: OutboxEntry<B, L>, f: ApiFailure): Promise<void> {
    const error = { code: f.code, message: f.message, problems: f.problems, network: f.network };
    let state: OutboxEntry<B, L>['state'] = 'waiting';
    let waitMs: number | undefined;
    if (f.status === 401) state = 'sign-in';
    else if (f.code === 'API_CSRF_WRONG' || f.code === 'API_CSRF_MISSING') {
      await this.#o.refreshSession?.().catch(() => undefined);
      waitMs = 0;
    } else if (retryable(f)) waitMs = f.retryAfterMs ?? backoffDelay(entry.attempts, this.#o.backoff);
    else state = 'refused';
    const now = this.#now();
    this.#update((s) => {
      const e = s.entries.find((x) => x.key === entry.key);
      if (e === undefined) return;
      e.attempts++;
      e.state = state;
      e.error = error;
      if (waitMs === undefined) delete e.nextTryAt;
      else e.nextTryAt = now + waitMs;
    });
  }

  /** One timer, for the earliest entry of the person signed in that waits for its next try. */
  #schedule(): void {
    this.stop();
    const person = this.#o.person();
    const next = this.#load()
      .entries.filter((e) => e.personId === person && e.state === 'waiting')
      .map((e) => e.nextTryAt ?? 0)
      .sort((a, b) => a - b)[0];
    if (next === undefined) return;
    const wait = Math.max(0, next - this.#now());
    this.#timer = (this.#o.setTimer ?? setTimeout)(() => {
      this.#timer = undefined;
      void this.flush();
    }, wait);
  }

  #load(): Stored<OutboxEntry<B, L>, S> {
    const raw = this.#o.storage.getItem(this.#key());
    if (raw === null) return { entries: [], sent: [] };
    try {
      const parsed = JSON.parse(raw) as Partial<Stored<OutboxEntry<B, L>, S>>;
      return {
        entries: Array.isArray(parsed.entries) ? parsed.entries : [],
        sent: Array.isArray(parsed.sent) ? parsed.sent : [],
      };
    } catch {
      // A damaged record would otherwise stop every send; what it held cannot be read anyway.
      return { entries: [], sent: [] };
    }
  }

  #update(change: (s: Stored<OutboxEntry<B, L>, S>) => void): void {
    const s = this.#load();
    change(s);
    this.#o.storage.setItem(this.#key(), JSON.stringify(s));
    this.#o.onChange?.();
  }

  #key(): string {
    return this.#o.storageKey ?? OUTBOX_STORAGE_KEY;
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}

/** Failures that say nothing against the entry itself: the kit was away, busy or starting. */
function retryable(f: ApiFailure): boolean {
  return (
    f.network ||
    f.status >= 500 ||
    (f.status === 409 && f.code === 'API_IDEMPOTENCY_IN_PROGRESS') ||
    f.status === 429
  );
}

/**
 * The centre's kit board (docs/kits.md §The kit board, §When the centre is alerted): for every
 * enrolled kit, when anything last came from it, its health messages, whether it was revoked or
 * replaced, and the alerts that stand. Fed by the core's deliveries (every message from a kit is
 * "heard"; a health message is kept whole); kept in its journal (kit-journal.ts) so a restart
 * rebuilds it; alerts decided by kit-alerts.ts, raised once and cleared once, each raise handed to
 * `onAlert` (the centre's alarm).
 *
 * A message counts as hearing the kit when it was made, by the kit's clock when the kit trusted it
 * (never later than it arrived), else when it arrived: an old message relayed late (a destroyed
 * kit's, days in a relay's store) says the kit was alive then, and does not silence its alarm now.
 * Only kits enrolled now (keys.nodes) are watched: one removed since keeps its history, no alerts.
 *
 * The board wakes when the next silence would begin, not on a poll. A centre that was down heard
 * nothing meanwhile, so a kit's silence counts from the later of its last word and the board's
 * opening: a restarted centre does not call every kit silent at once.
 */

import { JsonLinesFile } from '../../base/json-lines-file.js';
import type { Logger } from '../../base/logger.js';
import { RearmableTimer } from '../../base/rearmable-timer.js';
import type { Message, MessageOf } from '../../wire/message.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { replacePrivateFile } from '../roster/replace-private-file.js';
import {
  type AlertFinding,
  type AlertKind,
  type AlertPolicy,
  allowedSilenceMs,
  type HealthSample,
  kitAlerts,
  silentFrom,
} from './kit-alerts.js';
import {
  compacted,
  HEARD_EVERY_MS,
  isKitRecord,
  type KitRecord,
  SAMPLES_KEPT,
  saidAt,
} from './kit-journal.js';

/** A kit the centre enrolled (keys.nodes). */
export interface EnrolledKit {
  id: number;
  area?: number;
  role?: string;
}

/** An alert that stands, since when. */
export type KitAlert = AlertFinding & { since: number };

/** A kit as the board knows it. */
export interface KitState {
  id: number;
  area?: number;
  role?: string;
  /** Whether it is in the centre's configuration now (a kit removed since still shows its history). */
  enrolled: boolean;
  /**
   * When anything last came from it, and what: `at` is when the kit made it, by its own clock when
   * it trusted it (never later than its arrival), else when the centre took it in.
   */
  lastHeard?: { at: number; msg: string; kind: string };
  /** Its latest health message. */
  health?: HealthSample;
  /** Its recent health messages, oldest first (at most SAMPLES_KEPT). */
  samples: readonly HealthSample[];
  /** The silence it is allowed before it is called silent, ms. */
  allowedSilenceMs: number;
  /** When it becomes silent if nothing more comes, unix ms; absent when it is not watched. */
  silentFrom?: number;
  revoked?: { at: number; by: AuditActor; control: string };
  /** The kit that took over its area and open items, and when. */
  replacedBy?: { kit: number; at: number; incidents: readonly string[]; control?: string };
  /** The lost kit whose area and open items it took over. */
  replaces?: number;
  alerts: readonly KitAlert[];
}

export interface KitBoardOptions {
  /** The journal, <data_dir>/kit-board.jsonl. */
  file: string;
  /** The enrolled kits (keys.nodes of the centre's configuration, centres left out). */
  kits: readonly EnrolledKit[];
  policy: AlertPolicy;
  /** The centre's clock, unix ms. */
  now: () => number;
  /** An alert was raised (once; not again after a restart while it stands). */
  onAlert?: (kit: KitState, alert: KitAlert) => void;
  /** A kit's state changed: a message, an alert raised or cleared, a revocation. */
  changed?: (kit: number) => void;
  /** Timers; default the system's, unref'd. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  log: Logger;
}

interface Kit {
  id: number;
  enrolled?: EnrolledKit;
  lastHeard?: { at: number; msg: string; kind: string };
  /** When a heard or health line was last written. */
  written?: number;
  samples: HealthSample[];
  revoked?: { at: number; by: AuditActor; control: string };
  replacedBy?: { kit: number; at: number; incidents: readonly string[]; control?: string };
  replaces?: number;
  alerts: Map<AlertKind, KitAlert>;
}

/** The longest the board sleeps: a clock that jumped is looked at again within this. */
const MAX_SLEEP_MS = 60_000;

export class KitBoard {
  readonly #o: KitBoardOptions;
  readonly #journal: JsonLinesFile<KitRecord>;
  readonly #kits = new Map<number, Kit>();
  /** A restarted centre heard nothing while it was down: silence counts from here at the least. */
  readonly #openedAt: number;
  readonly #timer: RearmableTimer;
  #closed = false;

  private constructor(o: KitBoardOptions, journal: JsonLinesFile<KitRecord>) {
    this.#o = o;
    this.#timer = new RearmableTimer(o);
    this.#journal = journal;
    this.#openedAt = o.now();
    for (const k of o.kits) this.#kit(k.id).enrolled = k;
  }

  static async open(o: KitBoardOptions): Promise<KitBoard> {
    let { file, reading } = await JsonLinesFile.open<unknown>(o.file);
    const records = reading.records.filter(isKitRecord);
    const skipped = reading.unreadable.length + reading.records.length - records.length;
    if (skipped > 0)
      o.log.warn({ file: o.file, skipped }, 'kit board: lines of its journal could not be read; skipped');
    const kept = compacted(records);
    if (reading.records.length > 2 * kept.length + 100) {
      await file.close();
      await replacePrivateFile(o.file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
      o.log.info(
        { file: o.file, before: reading.records.length, after: kept.length },
        'kit board: journal rewritten',
      );
      ({ file, reading } = await JsonLinesFile.open<unknown>(o.file));
    }
    const board = new KitBoard(o, file as JsonLinesFile<KitRecord>);
    for (const r of records) board.#apply(r);
    for (const kit of board.#kits.values()) board.#evaluate(kit);
    o.log.info(
      { kits: o.kits.length, alerts: board.kits().reduce((n, k) => n + k.alerts.length, 0) },
      'kit board open',
    );
    board.#arm();
    return board;
  }

  /**
   * A message from a kit reached the centre (the core's `delivered`): it is heard now, and a health
   * message is kept. Messages from nodes that are not enrolled kits are ignored. Resolves once its
   * line, if one was due, is written (a failed write is logged: the board goes on without it).
   */
  async heard(message: Message, at = this.#o.now()): Promise<void> {
    const kit = this.#kits.get(message.origin);
    if (kit === undefined || this.#closed) return;
    const msg = `${message.origin}/${message.seq}`;
    // Alive when it made the message, if its clock says so truly; else when it reached us.
    const made = message.createdAt * 1000;
    const said = message.clockUntrusted || made >= at ? undefined : made;
    let record: KitRecord | undefined;
    if (message.kind === 'health') {
      const h = message as MessageOf<'health'>;
      if (kit.samples.some((s) => s.msg === msg)) return;
      record = {
        t: 'health',
        kit: kit.id,
        at,
        msg,
        createdAt: h.createdAt * 1000,
        clockUntrusted: h.clockUntrusted,
        body: h.body,
      };
    } else if (kit.written === undefined || at - kit.written >= HEARD_EVERY_MS) {
      record = {
        t: 'heard',
        kit: kit.id,
        at,
        msg,
        kind: message.kind,
        ...(said === undefined ? {} : { said }),
      };
    }
    if (record === undefined)
      kit.lastHeard = later(kit.lastHeard, { at: said ?? at, msg, kind: message.kind });
    else this.#apply(record);
    this.#evaluate(kit);
    this.#o.changed?.(kit.id);
    this.#arm();
    if (record !== undefined)
      await this.#journal
        .append(record)
        .catch((err: unknown) =>
          this.#o.log.error({ err, kit: kit.id }, 'kit board: a line could not be written; kept in memory'),
        );
  }

  /** Every kit, those with alerts first (the longest standing first), then by id. */
  kits(): KitState[] {
    const all = [...this.#kits.values()].map((k) => this.#state(k));
    const firstAlert = (k: KitState) => Math.min(...k.alerts.map((a) => a.since));
    return all.sort((a, b) => {
      if (a.alerts.length > 0 !== b.alerts.length > 0) return a.alerts.length > 0 ? -1 : 1;
      if (a.alerts.length > 0) return firstAlert(a) - firstAlert(b) || a.id - b.id;
      return a.id - b.id;
    });
  }

  kit(id: number): KitState | undefined {
    const k = this.#kits.get(id);
    return k === undefined ? undefined : this.#state(k);
  }

  isRevoked(id: number): boolean {
    return this.#kits.get(id)?.revoked !== undefined;
  }

  /** The revoked kits, for a control message to repeat them all (docs/control-messages.md §Ordering per issuer). */
  revoked(): number[] {
    return [...this.#kits.values()]
      .filter((k) => k.revoked !== undefined)
      .map((k) => k.id)
      .sort((a, b) => a - b);
  }

  /** The kit that answers now for `id`: itself, or the kit that replaced it (and so on). */
  successorOf(id: number): number {
    let at = id;
    for (let hops = 0; hops < 64; hops++) {
      const next = this.#kits.get(at)?.replacedBy?.kit;
      if (next === undefined) return at;
      at = next;
    }
    return at;
  }

  /** The lost kits `id` answers for now (their replacement, or its replacement…). */
  formerOf(id: number): number[] {
    return [...this.#kits.keys()].filter((k) => k !== id && this.successorOf(k) === id);
  }

  /** Records a revocation, once it is signed and stored; resolves once the line is on disk. */
  async recordRevoked(kit: number, by: AuditActor, control: string): Promise<KitState> {
    await this.#keep({ t: 'revoked', kit, at: this.#o.now(), by, control });
    return this.#state(this.#kit(kit));
  }

  /** Records that `by` took over the area and open items of `kit`; resolves once the line is on disk. */
  async recordReplaced(
    kit: number,
    by: number,
    who: AuditActor,
    incidents: readonly string[],
    control: string | undefined,
  ): Promise<KitState> {
    await this.#keep({
      t: 'replaced',
      kit,
      by,
      at: this.#o.now(),
      who,
      incidents: [...incidents],
      ...(control === undefined ? {} : { control }),
    });
    return this.#state(this.#kit(kit));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#timer.cancel();
    await this.#journal.close();
  }

  async #keep(record: KitRecord): Promise<void> {
    await this.#journal.append(record);
    this.#apply(record);
    const kit = this.#kit(record.kit);
    this.#evaluate(kit);
    this.#o.changed?.(record.kit);
    if (record.t === 'replaced') this.#o.changed?.(record.by);
    this.#arm();
  }

  #kit(id: number): Kit {
    let kit = this.#kits.get(id);
    if (kit === undefined) {
      kit = { id, samples: [], alerts: new Map() };
      this.#kits.set(id, kit);
    }
    return kit;
  }

  #apply(r: KitRecord): void {
    const kit = this.#kit(r.kit);
    switch (r.t) {
      case 'heard':
        kit.lastHeard = later(kit.lastHeard, { at: saidAt(r), msg: r.msg, kind: r.kind });
        kit.written = Math.max(kit.written ?? 0, r.at);
        return;
      case 'health': {
        kit.lastHeard = later(kit.lastHeard, { at: saidAt(r), msg: r.msg, kind: 'health' });
        kit.written = Math.max(kit.written ?? 0, r.at);
        if (kit.samples.some((s) => s.msg === r.msg)) return;
        const { t: _t, kit: _k, ...sample } = r;
        kit.samples.push(sample);
        // In the kit's own order (its sequence numbers), whatever order they arrived in.
        kit.samples.sort((a, b) => seqOf(a.msg) - seqOf(b.msg));
        if (kit.samples.length > SAMPLES_KEPT) kit.samples.splice(0, kit.samples.length - SAMPLES_KEPT);
        return;
      }
      case 'revoked':
        kit.revoked ??= { at: r.at, by: r.by, control: r.control };
        return;
      case 'replaced':
        kit.replacedBy = {
          kit: r.by,
          at: r.at,
          incidents: r.incidents,
          ...(r.control === undefined ? {} : { control: r.control }),
        };
        this.#kit(r.by).replaces = r.kit;
        return;
      case 'alert':
        if (r.on)
          kit.alerts.set(r.alert, { ...(kit.alerts.get(r.alert) ?? placeholder(r.alert)), since: r.at });
        else kit.alerts.delete(r.alert);
        return;
    }
  }

  /** Raises what newly stands and clears what no longer does, each journalled once. */
  #evaluate(kit: Kit): void {
    const now = this.#o.now();
    const found = kitAlerts(this.#facts(kit), now, this.#o.policy);
    const kinds = new Set(found.map((f) => f.kind));
    for (const kind of [...kit.alerts.keys()]) {
      if (kinds.has(kind)) continue;
      kit.alerts.delete(kind);
      this.#write({ t: 'alert', kit: kit.id, alert: kind, at: now, on: false });
      this.#o.log.info({ kit: kit.id, alert: kind }, `kit ${kit.id}: ${kind} alert cleared`);
      this.#o.changed?.(kit.id);
    }
    for (const f of found) {
      const standing = kit.alerts.get(f.kind);
      const alert: KitAlert = { ...f, since: standing?.since ?? now };
      kit.alerts.set(f.kind, alert);
      // Standing already, or raised before a restart: it sounded then.
      if (standing !== undefined) continue;
      this.#write({ t: 'alert', kit: kit.id, alert: f.kind, at: now, on: true });
      this.#o.log.warn({ kit: kit.id, alert: f }, `kit ${kit.id}: ${f.kind} alert`);
      this.#o.onAlert?.(this.#state(kit), alert);
      this.#o.changed?.(kit.id);
    }
  }

  #write(record: KitRecord): void {
    void this.#journal
      .append(record)
      .catch((err: unknown) =>
        this.#o.log.error({ err, kit: record.kit }, 'kit board: a line could not be written'),
      );
  }

  #facts(kit: Kit) {
    const heard = kit.lastHeard?.at;
    // A silence that stood before a restart goes on; any other is counted from the opening.
    const since = kit.alerts.has('silent') || heard === undefined ? heard : Math.max(heard, this.#openedAt);
    return {
      ...(since === undefined ? {} : { lastHeard: since }),
      samples: kit.samples,
      revoked: kit.revoked !== undefined,
      // Met in its journal or as a successor, but not in keys.nodes now: history, not watched.
      unenrolled: kit.enrolled === undefined,
    };
  }

  #state(kit: Kit): KitState {
    const from = silentFrom(this.#facts(kit), this.#o.policy);
    const e = kit.enrolled;
    return {
      id: kit.id,
      ...(e?.area === undefined ? {} : { area: e.area }),
      ...(e?.role === undefined ? {} : { role: e.role }),
      enrolled: e !== undefined,
      ...(kit.lastHeard === undefined ? {} : { lastHeard: kit.lastHeard }),
      ...(kit.samples.length === 0 ? {} : { health: kit.samples.at(-1) as HealthSample }),
      samples: [...kit.samples],
      allowedSilenceMs: allowedSilenceMs(kit, this.#o.policy),
      ...(from === undefined ? {} : { silentFrom: from }),
      ...(kit.revoked === undefined ? {} : { revoked: kit.revoked }),
      ...(kit.replacedBy === undefined ? {} : { replacedBy: kit.replacedBy }),
      ...(kit.replaces === undefined ? {} : { replaces: kit.replaces }),
      alerts: [...kit.alerts.values()].filter((a) => !isPlaceholder(a)).sort((a, b) => a.since - b.since),
    };
  }

  /** Wakes at the next moment a kit would become silent (a minute at most). */
  #arm(): void {
    if (this.#closed) return;
    const now = this.#o.now();
    let next = now + MAX_SLEEP_MS;
    for (const kit of this.#kits.values()) {
      if (kit.alerts.has('silent')) continue;
      const from = silentFrom(this.#facts(kit), this.#o.policy);
      if (from !== undefined && from < next) next = from;
    }
    this.#timer.arm(Math.max(0, next - now), () => {
      if (this.#closed) return;
      for (const kit of this.#kits.values()) this.#evaluate(kit);
      this.#arm();
    });
  }
}

function later<T extends { at: number }>(a: T | undefined, b: T): T {
  return a === undefined || b.at >= a.at ? b : a;
}

function seqOf(msg: string): number {
  return Number(msg.slice(msg.indexOf('/') + 1));
}

/** An alert read back from the journal before its finding is computed again. */
function placeholder(kind: AlertKind): KitAlert {
  return kind === 'silent'
    ? { kind, lastHeard: 0, allowedMs: 0, since: 0 }
    : { kind, percent: -1, low: false, since: 0 };
}

function isPlaceholder(a: KitAlert): boolean {
  return a.kind === 'silent' ? a.lastHeard === 0 && a.allowedMs === 0 : a.percent === -1;
}

/**
 * What the warning desk's journal builds (docs/warnings.md §The board, "Kept across restarts"): the
 * warnings this centre sent, their threads (each thread's current warning, and whether it is
 * cancelled), the kits that confirmed each, the 叫应 board, and each cancel's sends again toward
 * the kits that have not confirmed it (cancel-delivery.ts). Nothing here reads a clock, a file
 * or the air: each record carries its time, so replaying the journal gives the same state, and the
 * desk (warning-desk.ts) journals a record before it applies it here.
 */
import type { AckBody } from '../../../wire/kinds/ack.js';
import { decodeFrame, type Message, type MessageOf } from '../../../wire/message.js';
import type { AreaCode } from '../../roster/area-code.js';
import type { RosterId } from '../../roster/person.js';
import { applyAck } from '../ack-to-board.js';
import { CallBoard } from '../call-board.js';
import type { CancelToDeliver } from '../cancel-delivery.js';
import type { DeskRecord, ImportedFrom } from './desk-journal.js';
import type { ThreadContext } from './warning-compose.js';

export type DeskWarningStatus = 'active' | 'superseded' | 'cancelled' | 'expired';

/** A warning this centre sent, as the desk keeps it. */
export interface DeskWarning {
  id: string;
  message: MessageOf<'warning'>;
  /** When the desk recorded it, unix ms. */
  recordedAt: number;
  by?: RosterId;
  imported?: ImportedFrom;
  /** The id of its thread's first warning. */
  thread: string;
}

export class DeskState {
  readonly board = new CallBoard();
  readonly #warnings = new Map<string, DeskWarning>();
  /** By thread: its current warning, and whether it is cancelled. */
  readonly #threads = new Map<string, { head: string; cancelled: boolean }>();
  readonly #confirmedBy = new Map<string, Set<number>>();
  /**
   * By "warning kit": how long the kit's latest ack of that warning took from being made there to
   * reaching this desk, ms. Per warning: a kit back online with hours-old acks of one warning must
   * not delay its re-alarms in the next.
   */
  readonly #answerLag = new Map<string, number>();
  /** By cancel, by kit: when it was sent again toward that kit. */
  readonly #cancelResent = new Map<string, Map<number, number[]>>();

  /** `areaOf` places a person who answered uncalled: the first of their areas. */
  constructor(private readonly areaOf: (person: RosterId) => AreaCode | undefined) {}

  /**
   * How long the latest ack from `kit` of `warning` took to arrive, ms (docs/warnings.md
   * §Escalation): an answer made there now is as late, whatever the route's usual wait says.
   * Undefined when unknown.
   */
  answerLag(kit: number, warning: string): number | undefined {
    return this.#answerLag.get(`${warning} ${kit}`);
  }

  /** Applies one record; false for one that does not fit (a damaged journal). */
  apply(r: DeskRecord): boolean {
    switch (r.t) {
      case 'warning':
        return this.#sent(r);
      case 'delivered': {
        this.#confirm(r.warning, r.kit);
        this.board.delivered(r.warning, r.kit, r.at);
        return true;
      }
      case 'ack': {
        applyAck(this.board, r.ack as AckBody, r.kit, r.at, this.areaOf);
        const warning = `${(r.ack as AckBody).warning.origin}/${(r.ack as AckBody).warning.seq}`;
        // Any ack of a warning says the kit holds it: a cancel is confirmed by nothing else.
        if (this.#warnings.has(warning)) this.#confirm(warning, r.kit);
        if (typeof r.made === 'number' && Number.isFinite(r.made)) {
          this.#answerLag.set(`${warning} ${r.kit}`, Math.max(0, r.at - r.made));
        }
        return true;
      }
      case 'cancel-resent': {
        const kits = this.#cancelResent.get(r.cancel) ?? new Map<number, number[]>();
        kits.set(r.kit, [...(kits.get(r.kit) ?? []), r.at]);
        this.#cancelResent.set(r.cancel, kits);
        return true;
      }
      case 'step':
        this.board.record(r.action, r.at);
        return true;
      case 'superiors':
        this.board.callSuperiors(r.warning, r.from, r.targets, r.at);
        return true;
    }
  }

  /** Newest first. */
  warnings(): DeskWarning[] {
    return [...this.#warnings.values()].sort((a, b) => b.recordedAt - a.recordedAt);
  }

  warning(id: string): DeskWarning | undefined {
    return this.#warnings.get(id);
  }

  get size(): number {
    return this.#warnings.size;
  }

  status(id: string, nowMs: number): DeskWarningStatus | undefined {
    const w = this.#warnings.get(id);
    if (w === undefined) return undefined;
    const thread = this.#threads.get(w.thread);
    if (thread?.cancelled) return 'cancelled';
    if (thread?.head !== id) return 'superseded';
    return nowMs >= w.message.body.expires * 1000 ? 'expired' : 'active';
  }

  /** Whether the thread of warning `id` is cancelled. */
  threadCancelled(id: string): boolean {
    const w = this.#warnings.get(id);
    return (w !== undefined && this.#threads.get(w.thread)?.cancelled) === true;
  }

  /** The kits that confirmed warning `id`. */
  confirmedBy(id: string): ReadonlySet<number> {
    return this.#confirmedBy.get(id) ?? new Set();
  }

  /**
   * Every cancel sent here with the kits it must still reach: those that held its thread (the kits
   * of its warnings' calls, and those that confirmed one of them), but not this node, and not yet
   * confirmed the cancel.
   */
  cancelsToDeliver(self: number): CancelToDeliver[] {
    const cancels: CancelToDeliver[] = [];
    for (const w of this.#warnings.values()) {
      if (w.message.body.action !== 'cancel') continue;
      const held = new Set<number>();
      for (const earlier of this.#warnings.values()) {
        if (earlier.thread !== w.thread || earlier.id === w.id) continue;
        for (const call of this.board.calls(earlier.id)) if (call.kit !== undefined) held.add(call.kit);
        for (const kit of this.confirmedBy(earlier.id)) held.add(kit);
      }
      const confirmed = this.confirmedBy(w.id);
      const resent = this.#cancelResent.get(w.id);
      const kits = [...held]
        .filter((kit) => kit !== self && !confirmed.has(kit))
        .map((kit) => ({ kit, resentAt: resent?.get(kit) ?? [] }));
      if (kits.length > 0)
        cancels.push({ cancel: w.id, sentAt: w.recordedAt, expiresAt: w.message.body.expires * 1000, kits });
    }
    return cancels;
  }

  /** The thread an update or cancel of `reference` continues; undefined for a warning not sent here. */
  threadOf(reference: string): ThreadContext | undefined {
    const w = this.#warnings.get(reference);
    if (w === undefined) return undefined;
    const thread = this.#threads.get(w.thread);
    const current = (thread === undefined ? undefined : this.#warnings.get(thread.head)) ?? w;
    const [origin, seq] = w.thread.split('/').map(Number) as [number, number];
    return { first: { origin, seq }, current: current.message.body };
  }

  #confirm(warning: string, kit: number): void {
    const set = this.#confirmedBy.get(warning) ?? new Set<number>();
    set.add(kit);
    this.#confirmedBy.set(warning, set);
  }

  #sent(r: Extract<DeskRecord, { t: 'warning' }>): boolean {
    let message: Message | undefined;
    try {
      message = decodeFrame(Buffer.from(r.frame, 'hex')).message;
    } catch {
      return false;
    }
    if (message?.kind !== 'warning') return false;
    const ref = message.body.references;
    const thread = ref === undefined ? r.id : `${ref.origin}/${ref.seq}`;
    this.#warnings.set(r.id, {
      id: r.id,
      message,
      recordedAt: r.at,
      thread,
      ...(r.by === undefined ? {} : { by: r.by }),
      ...(r.imported === undefined ? {} : { imported: r.imported }),
    });
    const cancel = message.body.action === 'cancel';
    const before = this.#threads.get(thread);
    if (before !== undefined) this.board.close(before.head, r.at, cancel ? 'cancelled' : 'superseded');
    this.#threads.set(thread, { head: r.id, cancelled: cancel });
    this.board.open(
      { id: r.id, sentAt: r.at, expiresAt: message.body.expires * 1000 },
      cancel ? [] : r.targets,
    );
    if (cancel) this.board.close(r.id, r.at, 'cancelled');
    return true;
  }
}

/**
 * Where a warning held at a kit stands (docs/warnings.md §The kit's warning book; docs/control-
 * messages.md §Warning threads), as pure functions of what the book holds, the roster and the
 * clock: its thread, its status, who must answer it here and how each of them stands.
 *
 * - A thread's head is the newest warning the core delivered as current on it: newer is a higher
 *   sequence from the same origin, else a later signed creation time (the core's own rule,
 *   node/src/core/warning-threads.ts), so replaying the journal in any order gives the same head.
 * - A head that cancels closes its thread: every warning of it is `cancelled`. Otherwise the head is
 *   `active` until its expiry, then `expired`, and every other warning of the thread, and every one
 *   delivered as history, is `superseded`.
 * - Who must answer here: call-targets.ts over the warning's areas, roles and named persons, and
 *   this kit's people, each with only their areas inside the kit's. A cancel calls nobody.
 */
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { MessageOf } from '../../../wire/message.js';
import { type AreaCode, areaContains } from '../../roster/area-code.js';
import type { Person, RosterId } from '../../roster/person.js';
import { isLater } from '../call.js';
import { type CallTarget, callTargets } from '../call-targets.js';

export type KitWarningStatus = 'active' | 'superseded' | 'cancelled' | 'expired';

/** A warning as the book holds it. */
export interface HeldWarning {
  id: string;
  message: MessageOf<'warning'>;
  /** Unix ms. */
  receivedAt: number;
  /** The core delivered it as current on its thread; false: history from the start. */
  current: boolean;
  /** Why the core called it history. */
  history?: string;
  /** `issuer:origin/seq` of its thread's first warning. */
  threadKey: string;
}

/** One person's answer here, numbered in the order made. */
export interface HeldAnswer {
  n: number;
  warning: string;
  person: RosterId;
  state: 'acknowledged' | 'acted';
  evacuated?: number;
  notified?: number;
  note?: string;
  /** Unix ms. */
  at: number;
}

/** How one person stands on one warning here. */
export interface KitPersonStanding {
  person: RosterId;
  name?: string;
  /** The warning calls them here; false: they answered uncalled (a neighbour, a passer-by). */
  called: boolean;
  /** The area they are called for; absent when uncalled. */
  area?: AreaCode;
  /** The warning names them, not only their role. */
  named: boolean;
  state: 'unanswered' | 'acknowledged' | 'acted';
  /** Unix ms of their first answer. */
  answeredAt?: number;
  evacuated?: number;
  notified?: number;
  note?: string;
  /** An answer of theirs is kept here but not yet handed to the core to send. */
  pending?: true;
}

/** The thread a warning is on: `issuer:origin/seq` of its first warning (the alarm's key too). */
export function threadKeyOf(message: MessageOf<'warning'>): string {
  const root = message.body.references ?? { origin: message.origin, seq: message.seq };
  return `${message.body.issuer}:${root.origin}/${root.seq}`;
}

/** The id of the thread's first warning, `origin/seq`. */
export function threadIdOf(message: MessageOf<'warning'>): string {
  const root = message.body.references ?? { origin: message.origin, seq: message.seq };
  return `${root.origin}/${root.seq}`;
}

/** Whether `a` is newer on its thread than `b` (a tie is not). */
export function isNewer(a: MessageOf<'warning'>, b: MessageOf<'warning'>): boolean {
  return a.origin === b.origin ? a.seq > b.seq : a.createdAt > b.createdAt;
}

/** The head of each thread: its newest warning delivered as current. */
export function threadHeads(warnings: Iterable<HeldWarning>): Map<string, HeldWarning> {
  const heads = new Map<string, HeldWarning>();
  for (const w of warnings) {
    if (!w.current) continue;
    const head = heads.get(w.threadKey);
    if (head === undefined || isNewer(w.message, head.message)) heads.set(w.threadKey, w);
  }
  return heads;
}

export function statusOf(w: HeldWarning, head: HeldWarning | undefined, nowMs: number): KitWarningStatus {
  if (head?.message.body.action === 'cancel') return 'cancelled';
  if (head !== w) return 'superseded';
  return nowMs >= w.message.body.expires * 1000 ? 'expired' : 'active';
}

/** Who must answer `body` here: the kit's people, each with their areas inside the kit's. */
export function targetsHere(
  body: Pick<WarningBody, 'action' | 'areas' | 'roles' | 'persons'>,
  people: readonly Person[],
  area: AreaCode | undefined,
): CallTarget[] {
  if (body.action === 'cancel') return [];
  const here =
    area === undefined
      ? people
      : people.flatMap((p) => {
          const areas = p.areas.filter((a) => areaContains(area, a));
          return areas.length === 0 ? [] : [{ ...p, areas }];
        });
  return callTargets(body, here);
}

/** How each person called, and each who answered uncalled, stands on one warning. */
export function standings(
  targets: readonly CallTarget[],
  answers: readonly HeldAnswer[],
  pending: ReadonlySet<number>,
  nameOf: (person: RosterId) => string | undefined,
): KitPersonStanding[] {
  const out = new Map<RosterId, KitPersonStanding>();
  const fresh = (person: RosterId, t?: CallTarget): KitPersonStanding => {
    const name = nameOf(person);
    return {
      person,
      ...(name === undefined ? {} : { name }),
      called: t !== undefined,
      ...(t === undefined ? {} : { area: t.area }),
      named: t?.named ?? false,
      state: 'unanswered',
    };
  };
  for (const t of targets) out.set(t.person, fresh(t.person, t));
  for (const a of answers) {
    const s = out.get(a.person) ?? fresh(a.person);
    out.set(a.person, s);
    if (s.state === 'unanswered' || isLater(s.state, a.state)) s.state = a.state;
    s.answeredAt ??= a.at;
    if (a.evacuated !== undefined) s.evacuated = Math.max(s.evacuated ?? 0, a.evacuated);
    if (a.notified !== undefined) s.notified = Math.max(s.notified ?? 0, a.notified);
    if (a.note !== undefined) s.note = a.note;
    if (pending.has(a.n)) s.pending = true;
  }
  return [...out.values()];
}

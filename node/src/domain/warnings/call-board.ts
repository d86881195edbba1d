/**
 * The 叫应 board (docs/warnings.md §The board): every call of every warning the centre sent, kept
 * as it moves from sent to acted; the live 未叫应 list; and the escalation that its timer runs.
 *
 * It is fed by what the centre learns: a warning sent (open), a kit's node receipt (delivered), a
 * person's answer (answered), a warning cancelled, superseded or expired (close). Nothing here
 * reads a clock: every change carries its time, so a replayed journal rebuilds the same board.
 */
import type { AreaCode } from '../roster/area-code.js';
import type { RosterId } from '../roster/person.js';
import { type Call, type CallState, type EscalationStep, isLater, isUnanswered } from './call.js';
import type { CallTarget } from './call-targets.js';
import {
  type EscalationAction,
  type EscalationDue,
  type EscalationPolicy,
  escalationDue,
} from './escalation.js';

/** A warning on the board. */
export interface BoardWarning {
  /** "origin/seq" of the warning message. */
  id: string;
  /** Unix ms when the centre sent it. */
  sentAt: number;
  /** Unix ms when it expires: its calls stop escalating then. */
  expiresAt: number;
  /** Why and when its calls stopped escalating; undefined while it is open. */
  closed?: { at: number; why: 'cancelled' | 'superseded' | 'expired' };
}

/** A call to make: whom, for which area, through which kit. */
export type PlacedTarget = CallTarget & { kit: number | undefined };

/** A person's answer as it came from their kit. */
export interface Answer {
  person: RosterId;
  state: Extract<CallState, 'acknowledged' | 'acted'>;
  evacuated?: number;
  notified?: number;
  note?: string;
}

export class CallBoard {
  readonly #warnings = new Map<string, BoardWarning>();
  /** By warning, then person. */
  readonly #calls = new Map<string, Map<RosterId, Call>>();

  /** A warning was sent: one call per target, each `sent`. A warning opened twice keeps its calls. */
  open(warning: BoardWarning, targets: readonly PlacedTarget[]): void {
    if (this.#warnings.has(warning.id)) return;
    this.#warnings.set(warning.id, { ...warning });
    const calls = new Map<RosterId, Call>();
    for (const t of targets) calls.set(t.person, newCall(warning.id, t, warning.sentAt));
    this.#calls.set(warning.id, calls);
  }

  /** The kit confirmed it holds the warning: its calls still `sent` become `delivered`. */
  delivered(warning: string, kit: number, at: number): Call[] {
    const changed: Call[] = [];
    for (const call of this.#calls.get(warning)?.values() ?? []) {
      if (call.kit !== kit || call.state !== 'sent') continue;
      call.state = 'delivered';
      call.at.delivered = at;
      changed.push(call);
    }
    return changed;
  }

  /**
   * A person answered through `kit`. The call moves forward, never back (a late 收到 after 已转移
   * changes nothing), and keeps the largest counts reported. Someone the warning did not call gets
   * a call of their own, marked uncalled. Undefined for a warning not on the board.
   */
  answered(warning: string, kit: number, answer: Answer, area: AreaCode | undefined, at: number) {
    const calls = this.#calls.get(warning);
    if (calls === undefined) return undefined;
    let call = calls.get(answer.person);
    if (call === undefined) {
      call = {
        ...newCall(warning, { person: answer.person, area: area ?? 0, kit, named: false }, at),
        uncalled: true,
      };
      call.state = 'delivered';
      call.at.delivered = at;
      calls.set(answer.person, call);
    }
    const moved = isLater(call.state, answer.state);
    if (call.at.delivered === undefined) call.at.delivered = at;
    if (moved) {
      call.state = answer.state;
      call.at[answer.state] = at;
      if (answer.state === 'acted' && call.at.acknowledged === undefined) call.at.acknowledged = at;
    }
    if (answer.evacuated !== undefined) call.evacuated = Math.max(call.evacuated ?? 0, answer.evacuated);
    if (answer.notified !== undefined) call.notified = Math.max(call.notified ?? 0, answer.notified);
    if (answer.note !== undefined) call.note = answer.note;
    return { call, moved };
  }

  /** The warning was cancelled, superseded or expired: its calls stop escalating; kept for the record. */
  close(warning: string, at: number, why: NonNullable<BoardWarning['closed']>['why']): void {
    const w = this.#warnings.get(warning);
    if (w !== undefined && w.closed === undefined) w.closed = { at, why };
  }

  /** The superiors of `from`'s call are called too (escalation.ts); returns the new calls. */
  callSuperiors(warning: string, from: RosterId, superiors: readonly PlacedTarget[], at: number): Call[] {
    const calls = this.#calls.get(warning);
    if (calls === undefined) return [];
    this.#step(warning, [from], 'superior', at);
    const added: Call[] = [];
    for (const t of superiors) {
      if (calls.has(t.person)) continue;
      const call = { ...newCall(warning, t, at), escalatedFrom: from };
      calls.set(t.person, call);
      added.push(call);
    }
    return added;
  }

  /** An escalation action was carried out at `at`: the board records it on its calls. */
  record(action: Exclude<EscalationAction, { kind: 'superior' }>, at: number): void {
    this.#step(action.warning, action.persons, action.kind === 'resend' ? 'resent' : 'realarmed', at);
  }

  warning(id: string): BoardWarning | undefined {
    const w = this.#warnings.get(id);
    return w && { ...w };
  }

  /** The calls of one warning, in roster order. */
  calls(warning: string): Call[] {
    return [...(this.#calls.get(warning)?.values() ?? [])].sort((a, b) => a.person - b.person);
  }

  /** 未叫应: the unanswered calls of open warnings, the longest waiting first. */
  unanswered(now: number): Call[] {
    return this.#openCalls(now)
      .filter(isUnanswered)
      .sort((a, b) => a.at.sent - b.at.sent || a.person - b.person);
  }

  /** The escalation due at `now` over the open warnings' calls (escalation.ts). */
  due(
    now: number,
    policy: EscalationPolicy,
    latencyMs: (kit: number) => number,
    answerLagMs?: (kit: number, warning: string) => number | undefined,
  ): EscalationDue {
    return escalationDue(this.#openCalls(now), now, policy, latencyMs, answerLagMs);
  }

  /** Calls of warnings neither closed nor expired at `now`. */
  #openCalls(now: number): Call[] {
    const open: Call[] = [];
    for (const [id, w] of this.#warnings) {
      if (w.closed !== undefined || now >= w.expiresAt) continue;
      open.push(...(this.#calls.get(id)?.values() ?? []));
    }
    return open;
  }

  #step(warning: string, persons: readonly RosterId[], step: EscalationStep, at: number): void {
    const calls = this.#calls.get(warning);
    for (const person of persons) calls?.get(person)?.steps.push({ step, at });
  }
}

function newCall(warning: string, t: PlacedTarget, at: number): Call {
  return {
    warning,
    person: t.person,
    area: t.area,
    kit: t.kit,
    named: t.named,
    state: 'sent',
    at: { sent: at },
    steps: [],
  };
}

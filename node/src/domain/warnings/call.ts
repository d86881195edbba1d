/**
 * One call of a warning (叫应) to one person, as the centre keeps it (docs/warnings.md §States):
 * sent → delivered to the person's kit → acknowledged by the person → acted on, with what they
 * report (已转移 N 人). The states only move forward, and each keeps the time it was reached, so the
 * record closes the loop: 有叫、有应、有记录.
 */
import type { AreaCode } from '../roster/area-code.js';
import type { RosterId } from '../roster/person.js';

export const CALL_STATES = ['sent', 'delivered', 'acknowledged', 'acted'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** What was done about a call that went unanswered (escalation.ts). */
export type EscalationStep = 'resent' | 'realarmed' | 'superior';

export interface Call {
  /** The warning message called about, "origin/seq". */
  readonly warning: string;
  readonly person: RosterId;
  readonly area: AreaCode;
  /** The kit that reaches the person; undefined when none serves their area. */
  readonly kit: number | undefined;
  /** The warning names the person. */
  readonly named: boolean;
  /** A superior's call: the person whose silence brought it. */
  readonly escalatedFrom?: RosterId;
  /** Someone the warning did not call answered it (a neighbour's grid member, say). */
  readonly uncalled?: boolean;
  state: CallState;
  /** Unix ms when each state was reached. */
  readonly at: { sent: number; delivered?: number; acknowledged?: number; acted?: number };
  evacuated?: number;
  notified?: number;
  note?: string;
  /** What was done while it went unanswered, in order. */
  readonly steps: Array<{ step: EscalationStep; at: number }>;
}

/** Whether `to` is further along than `from`. */
export function isLater(from: CallState, to: CallState): boolean {
  return CALL_STATES.indexOf(to) > CALL_STATES.indexOf(from);
}

/** A call still waits for its person: neither acknowledged nor acted on. */
export function isUnanswered(call: Call): boolean {
  return call.state === 'sent' || call.state === 'delivered';
}

/** The last time `step` was taken on `call`, or undefined. */
export function lastStep(call: Call, step: EscalationStep): number | undefined {
  for (let i = call.steps.length - 1; i >= 0; i--) if (call.steps[i]?.step === step) return call.steps[i]?.at;
  return undefined;
}

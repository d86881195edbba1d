/**
 * What the kit does with the centre's re-alarm (docs/warnings.md §Escalation, §The kit's warning
 * book): a control message's `realarm` sounds its warning again, as its colour says, unless
 *
 * - the control message is history: the core delivered it as overtaken by a newer control message
 *   of its issuer (docs/control-messages.md §Ordering per issuer), or the book already acted on a
 *   re-alarm as new or newer from the same issuer and origin;
 * - the warning is not held here, or is no longer in force here (cancelled, superseded, expired);
 * - every person it names has answered here already: their answers are on their way.
 *
 * A pure decision; the book keeps it in its journal and tells the alarm.
 */
import type { MessageOf } from '../../../wire/message.js';
import type { RosterId } from '../../roster/person.js';
import type { RealarmOutcome } from './kit-journal-records.js';
import type { KitWarningStatus } from './kit-warning-status.js';

export interface RealarmFacts {
  /** The core's standing of the control message. */
  current: boolean;
  /** The highest control seq already acted on from the message's issuer and origin. */
  lastActed: number | undefined;
  /** The warning's status here; undefined when it is not held here. */
  status: KitWarningStatus | undefined;
  /** Persons who answered the warning here. */
  answered: ReadonlySet<RosterId>;
}

export function realarmOutcome(message: MessageOf<'control'>, facts: RealarmFacts): RealarmOutcome {
  const persons = message.body.realarm?.persons ?? [];
  if (!facts.current || message.seq <= (facts.lastActed ?? -1)) return 'history';
  if (facts.status === undefined) return 'unknown';
  if (facts.status !== 'active') return 'closed';
  if (persons.length > 0 && persons.every((p) => facts.answered.has(p))) return 'answered-here';
  return 'realarmed';
}

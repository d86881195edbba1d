/**
 * A warning held at a kit as the API and the UI show it (docs/warnings.md §The kit's warning
 * book): the message, when it came, its status on its thread, who must answer it here and how each
 * stands, the centre's re-alarms of it, and its alarm here.
 */
import type { MessageOf } from '../../../wire/message.js';
import type { Person, RosterId } from '../../roster/person.js';
import type { AlarmWarningState } from '../alarm/alarm-controller.js';
import type { RealarmOutcome } from './kit-journal-records.js';
import {
  type HeldAnswer,
  type HeldWarning,
  type KitPersonStanding,
  type KitWarningStatus,
  standings,
  statusOf,
  targetsHere,
  threadIdOf,
} from './kit-warning-status.js';

export interface KitRealarm {
  /** Unix ms. */
  at: number;
  /** The control message that carried it, `origin/seq`. */
  control: string;
  persons: RosterId[];
  outcome: RealarmOutcome;
}

export interface KitWarningRecord {
  id: string;
  message: Pick<
    MessageOf<'warning'>,
    'origin' | 'seq' | 'createdAt' | 'flags' | 'priority' | 'lifetimeMin' | 'dest' | 'body'
  >;
  /** When the core delivered it here, unix ms. */
  receivedAt: number;
  status: KitWarningStatus;
  /** The id of its thread's first warning, `origin/seq`. */
  thread: string;
  /** Its thread with its issuer, `issuer:origin/seq` (the alarm's key). */
  threadKey: string;
  /** Why the core delivered it as history (never current, never sounded). */
  history?: string;
  /** A drill (演练). */
  exercise: boolean;
  /** Who must answer it here, and everyone else who answered it here, and how each stands. */
  persons: KitPersonStanding[];
  /** The centre's re-alarms of it, oldest first. */
  realarms: KitRealarm[];
  /** Its alarm here, while the alarm knows it. */
  alarm?: AlarmWarningState;
}

/** What a record is made from, besides the warning and its thread's head. */
export interface RecordContext {
  answers: readonly HeldAnswer[];
  realarms: readonly KitRealarm[];
  /** Numbers of the answers not yet handed to the core. */
  pending: ReadonlySet<number>;
  people: readonly Person[];
  area: number | undefined;
  alarm: AlarmWarningState | undefined;
  nowMs: number;
}

export function recordOf(w: HeldWarning, head: HeldWarning | undefined, c: RecordContext): KitWarningRecord {
  const { origin, seq, createdAt, flags, priority, lifetimeMin, dest, body } = w.message;
  const names = new Map(c.people.map((p) => [p.id, p.name]));
  return {
    id: w.id,
    message: { origin, seq, createdAt, flags, priority, lifetimeMin, dest, body },
    receivedAt: w.receivedAt,
    status: statusOf(w, head, c.nowMs),
    thread: threadIdOf(w.message),
    threadKey: w.threadKey,
    ...(w.history === undefined ? {} : { history: w.history }),
    exercise: flags.includes('exercise'),
    persons: standings(targetsHere(body, c.people, c.area), c.answers, c.pending, (p) => names.get(p)),
    realarms: [...c.realarms],
    ...(c.alarm === undefined ? {} : { alarm: c.alarm }),
  };
}

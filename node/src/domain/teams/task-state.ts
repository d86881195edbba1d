/**
 * The state of a task (docs/teams.md §The state of a task): a pure fold of the task messages a node
 * holds, so any node holding the same messages derives the same state, whatever order they came in.
 *
 * - The assignment opens it; each step names the assignment (docs/wire-format.md §4.10).
 * - Steps only move forward: assigned → accepted → on scene → done, or declined before it is on
 *   scene. A step behind the furthest one is kept in the history but moves nothing.
 * - Of two steps that end it (done and declined), the earlier wins, then the lower message id.
 */
import type { GeoPoint } from '../../wire/field-codecs.js';
import { TASK_STEPS } from '../../wire/kinds/task.js';
import type { MessageOf } from '../../wire/message.js';

export type TaskStep = (typeof TASK_STEPS)[number];

export { TASK_STEPS };

const RANK: Readonly<Record<TaskStep, number>> = {
  assigned: 0,
  accepted: 1,
  'on-scene': 2,
  done: 3,
  declined: 3,
};

/** What a task may move to from each step. */
const NEXT: Readonly<Record<TaskStep, readonly TaskStep[]>> = {
  assigned: ['accepted', 'declined'],
  accepted: ['on-scene', 'done', 'declined'],
  'on-scene': ['done'],
  done: [],
  declined: [],
};

export function nextSteps(status: TaskStep): readonly TaskStep[] {
  return NEXT[status];
}

export interface TaskStepRecord {
  step: TaskStep;
  /** The message, `origin/seq`. */
  message: string;
  /** Creation time, unix ms. */
  at: number;
  /** Roster id of who made it. */
  by?: number;
  note?: string;
}

export interface TaskView {
  /** The assignment's message id. */
  id: string;
  /** The team's kit. */
  team: number;
  status: TaskStep;
  what?: string;
  point?: GeoPoint;
  area?: number;
  /** By when, unix ms. */
  due?: number;
  /** When it was assigned, unix ms (the first step's time while the assignment has not come). */
  assignedAt: number;
  /** The duty officer who assigned it. */
  assignedBy?: number;
  /** Why it was declined. */
  reason?: string;
  /** Every step, the assignment first, in time order. */
  steps: TaskStepRecord[];
  /** The assignment itself is held here (a step may come before it). */
  complete: boolean;
  exercise: boolean;
  open: boolean;
}

export const messageId = (m: { origin: number; seq: number }): string => `${m.origin}/${m.seq}`;

/** The task id a task message belongs to: the assignment's own id, or the one it names. */
export function taskIdOf(m: MessageOf<'task'>): string {
  return m.body.task === undefined ? messageId(m) : messageId(m.body.task);
}

/** Folds the messages of one task (all with the same taskIdOf) into its view. */
export function taskState(messages: readonly MessageOf<'task'>[]): TaskView {
  const first = messages[0];
  if (first === undefined) throw new RangeError('a task needs at least one message');
  const id = taskIdOf(first);
  const sorted = [...messages].sort((a, b) => a.createdAt - b.createdAt || compareIds(a, b));
  const assignment = sorted.find((m) => m.body.step === 'assigned' && m.body.task === undefined);
  let status: TaskStep = 'assigned';
  let reason: string | undefined;
  const steps: TaskStepRecord[] = [];
  for (const m of sorted) {
    const b = m.body;
    steps.push({
      step: b.step,
      message: messageId(m),
      at: m.createdAt * 1000,
      ...(b.person === undefined ? {} : { by: b.person }),
      ...(b.what === undefined || m === assignment ? {} : { note: b.what }),
    });
    if (m === assignment || RANK[b.step] <= RANK[status]) continue;
    status = b.step;
    if (b.step === 'declined' && b.what !== undefined) reason = b.what;
  }
  const a = assignment?.body;
  const team =
    assignment?.dest.to === 'node'
      ? assignment.dest.node
      : (sorted.find((m) => m !== assignment)?.origin ?? 0);
  return {
    id,
    team,
    status,
    ...(a?.what === undefined ? {} : { what: a.what }),
    ...(a?.point === undefined ? {} : { point: a.point }),
    ...(a?.area === undefined ? {} : { area: a.area }),
    ...(a?.due === undefined ? {} : { due: a.due * 1000 }),
    assignedAt: (assignment ?? sorted[0] ?? first).createdAt * 1000,
    ...(a?.person === undefined ? {} : { assignedBy: a.person }),
    ...(reason === undefined ? {} : { reason }),
    steps,
    complete: assignment !== undefined,
    exercise: (assignment ?? first).flags.includes('exercise'),
    open: RANK[status] < 3,
  };
}

function compareIds(a: { origin: number; seq: number }, b: { origin: number; seq: number }): number {
  return a.origin - b.origin || a.seq - b.seq;
}

/**
 * A task from the centre to a rescue team (救援队), and each step the team takes on it
 * (docs/wire-format.md §4.10; docs/teams.md §On the wire). Kind 14, MAC-tagged: the centre's
 * assignment under the team kit's key (it goes to that one kit), the team's steps under the same
 * key (they go to the centre), so only the centre and that kit can make either.
 *
 * Like a hazard, one kind carries the whole life: the assignment (no `task`) and every step after
 * it (`task` names the assignment, never the step before), so any node that holds any message of a
 * task knows which task it belongs to.
 */
import { areaCode, geoPoint, messageRef, personIndex, relativeTime } from '../field-codecs.js';
import { enumOf, optional, type RecordOf, required, text } from '../schema.js';

/** The steps of a task, in the order they happen; `declined` ends it as `done` does. */
export const TASK_STEPS = ['assigned', 'accepted', 'on-scene', 'done', 'declined'] as const;

/** The words of an assignment or a step: 120 B is 40 Chinese characters, so a task fits a LoRa frame. */
export const MAX_TASK_TEXT_BYTES = 120;

export const taskFields = {
  step: required(enumOf(TASK_STEPS)),
  /** The assignment this step answers: absent in the assignment itself. */
  task: optional(messageRef),
  /** In the assignment, what to do; in a step, a note; in a decline, the reason. */
  what: optional(text(MAX_TASK_TEXT_BYTES)),
  /** Where. */
  point: optional(geoPoint),
  /** The area where, when no point is known. */
  area: optional(areaCode),
  /** By when, unix seconds (sent relative to the envelope's time). */
  due: optional(relativeTime),
  /** Who made this step: a roster id (the duty officer, or the team member). */
  person: optional(personIndex),
};

export type TaskBody = RecordOf<typeof taskFields>;

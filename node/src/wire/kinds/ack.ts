/**
 * Answer to a warning (叫应) (docs/domain.md §预警叫应; docs/wire-format.md §ack). Kind 3, MAC-tagged.
 * States are distinct and never conflated: delivered to the kit, acknowledged by a person, acted on.
 */
import { messageRef, personIndex } from '../field-codecs.js';
import { arrayOf, enumOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';

export const ACK_STATES = ['delivered', 'acknowledged', 'acted'] as const;

/** The most answers one ack carries besides its own: a village's whole roster answers in one. */
export const MAX_OTHER_ANSWERS = 64;

/** One more person's answer to the same warning, riding in the ack (docs/warnings.md §Answers travel together). */
const otherAnswer = record({
  person: required(personIndex),
  state: required(enumOf(['acknowledged', 'acted'] as const)),
  evacuated: optional(uint(1_000_000)),
  notified: optional(uint(1_000_000)),
});

export const ackFields = {
  /** The warning answered: its (origin, sequence). */
  warning: required(messageRef),
  state: required(enumOf(ACK_STATES)),
  /** The person who answered, by roster index at this kit; absent for 'delivered'. */
  person: optional(personIndex),
  /** People evacuated (已转移 N 人). */
  evacuated: optional(uint(1_000_000)),
  /** People or households notified by this person (door to door, gong, loudspeaker). */
  notified: optional(uint(1_000_000)),
  note: optional(text(200)),
  /**
   * Other people's answers to the same warning, made at this kit within the bundling window: one
   * message for a village instead of one per person. Notes stay with the first answer.
   */
  others: optional(arrayOf(otherAnswer, MAX_OTHER_ANSWERS)),
};

export type AckBody = RecordOf<typeof ackFields>;

export function checkAck(body: AckBody): string | undefined {
  if (body.state !== 'delivered' && body.person === undefined)
    return `an ${body.state} answer names the person`;
  const people = [body.person, ...(body.others ?? []).map((o) => o.person)].filter((p) => p !== undefined);
  if (new Set(people).size !== people.length) return 'an ack answers for each person once';
  return undefined;
}

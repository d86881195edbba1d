/**
 * Answer to a warning (叫应) (docs/domain.md §预警叫应; docs/wire-format.md §ack). Kind 3, MAC-tagged.
 * States are distinct and never conflated: delivered to the kit, acknowledged by a person, acted on.
 */
import { messageRef, personIndex } from '../field-codecs.js';
import { enumOf, optional, type RecordOf, required, text, uint } from '../schema.js';

export const ACK_STATES = ['delivered', 'acknowledged', 'acted'] as const;

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
};

export type AckBody = RecordOf<typeof ackFields>;

export function checkAck(body: AckBody): string | undefined {
  if (body.state !== 'delivered' && body.person === undefined)
    return `an ${body.state} answer names the person`;
  return undefined;
}

/**
 * An ack as the centre's 叫应 board takes it (docs/warnings.md §States, §Answers travel together):
 * `delivered` from a kit marks that kit's calls delivered; a person's answer, and every answer
 * riding in its `others`, moves that person's call.
 */
import type { AckBody } from '../../wire/kinds/ack.js';
import type { AreaCode } from '../roster/area-code.js';
import type { RosterId } from '../roster/person.js';
import type { Call } from './call.js';
import type { CallBoard } from './call-board.js';

/** The calls an ack moved; `kit` is the ack's origin, `at` when the centre took it in (unix ms). */
export function applyAck(
  board: CallBoard,
  ack: AckBody,
  kit: number,
  at: number,
  areaOf: (person: RosterId) => AreaCode | undefined,
): Call[] {
  const warning = `${ack.warning.origin}/${ack.warning.seq}`;
  if (board.warning(warning) === undefined) return [];
  const moved = board.delivered(warning, kit, at);
  if (ack.state === 'delivered' || ack.person === undefined) return moved;
  const answers = [
    {
      person: ack.person,
      state: ack.state,
      ...(ack.evacuated === undefined ? {} : { evacuated: ack.evacuated }),
      ...(ack.notified === undefined ? {} : { notified: ack.notified }),
      ...(ack.note === undefined ? {} : { note: ack.note }),
    },
    ...(ack.others ?? []),
  ];
  for (const answer of answers) {
    const result = board.answered(warning, kit, answer, areaOf(answer.person), at);
    if (result?.moved && !moved.includes(result.call)) moved.push(result.call);
  }
  return moved;
}

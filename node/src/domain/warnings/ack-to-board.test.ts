/**
 * Acks into the 叫应 board (ack-to-board.ts): a kit's `delivered`, a person's answer, and the
 * answers riding in `others`, each moving its own call.
 */
import { expect, it } from 'vitest';
import { applyAck } from './ack-to-board.js';
import { CallBoard } from './call-board.js';
import { VILLAGE_A1 } from './warnings-fixtures.js';

const T0 = Date.UTC(2026, 6, 13, 19, 0);
const WARNING = { origin: 1, seq: 500 };

function board(): CallBoard {
  const b = new CallBoard();
  b.open({ id: '1/500', sentAt: T0, expiresAt: T0 + 3_600_000 }, [
    { person: 11, area: VILLAGE_A1, kit: 2101, named: false },
    { person: 12, area: VILLAGE_A1, kit: 2101, named: false },
    { person: 14, area: VILLAGE_A1, kit: 2101, named: false },
  ]);
  return b;
}

it('marks the kit’s calls delivered on its delivered ack', () => {
  const b = board();
  const moved = applyAck(b, { warning: WARNING, state: 'delivered' }, 2101, T0 + 1000, () => VILLAGE_A1);
  expect(moved.map((c) => c.person)).toEqual([11, 12, 14]);
  expect(b.calls('1/500').every((c) => c.state === 'delivered')).toBe(true);
});

it('moves the answering person and every person riding along, and ignores an unknown warning', () => {
  const b = board();
  applyAck(
    b,
    {
      warning: WARNING,
      state: 'acted',
      person: 11,
      evacuated: 9,
      note: '已转移至小学',
      others: [{ person: 12, state: 'acknowledged' }],
    },
    2101,
    T0 + 2000,
    () => VILLAGE_A1,
  );
  expect(b.calls('1/500').map((c) => [c.person, c.state, c.evacuated ?? null])).toEqual([
    [11, 'acted', 9],
    [12, 'acknowledged', null],
    [14, 'delivered', null],
  ]);
  expect(
    applyAck(b, { warning: { origin: 9, seq: 9 }, state: 'delivered' }, 2101, T0, () => undefined),
  ).toEqual([]);
});

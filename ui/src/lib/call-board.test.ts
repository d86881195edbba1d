/**
 * The 叫应 board as the centre's page keeps it (docs/ui.md §Warnings, At the centre): 未叫应 first,
 * the longest waiting first, then the answered, the latest answer first; each `calls` event merged
 * in by person without moving a call back; the counts worked out again; and the county's 未叫应
 * list losing the calls that were answered and gaining the new ones.
 */
import { describe, expect, it } from 'vitest';
import type { CallView } from './api-types.js';
import { boardOrder, countsOf, mergeCalls, mergeUnanswered, withoutWarning } from './call-board.js';

const W = '1/42';

function call(
  person: number,
  state: CallView['state'],
  at: Partial<CallView['at']> & { sent: number },
  over: Partial<CallView> = {},
): CallView {
  return { warning: W, person, area: 430121101201, named: false, state, at, steps: [], ...over };
}

describe('boardOrder', () => {
  it('puts 未叫应 first, the longest waiting first, then the answered, the latest answer first', () => {
    const calls = [
      call(1, 'acknowledged', { sent: 100, acknowledged: 300 }),
      call(2, 'delivered', { sent: 200, delivered: 250 }),
      call(3, 'sent', { sent: 100 }),
      call(4, 'acted', { sent: 100, acted: 400 }),
    ];
    expect(boardOrder(calls).map((c) => c.person)).toEqual([3, 2, 4, 1]);
  });
});

describe('mergeCalls', () => {
  const board = boardOrder([
    call(1, 'sent', { sent: 100 }),
    call(2, 'delivered', { sent: 100, delivered: 150 }),
  ]);

  it('moves a call on when its person answers, and re-sorts', () => {
    const next = mergeCalls(board, [call(1, 'acted', { sent: 100, acted: 500 }, { evacuated: 12 })]);
    expect(next.map((c) => [c.person, c.state])).toEqual([
      [2, 'delivered'],
      [1, 'acted'],
    ]);
    expect(countsOf(next)).toEqual({
      total: 2,
      sent: 0,
      delivered: 1,
      acknowledged: 0,
      acted: 1,
      unanswered: 1,
      evacuated: 12,
    });
  });

  it('never moves a call back: an older event arriving late changes nothing', () => {
    const answered = mergeCalls(board, [call(2, 'acknowledged', { sent: 100, acknowledged: 300 })]);
    const late = mergeCalls(answered, [call(2, 'delivered', { sent: 100, delivered: 150 })]);
    expect(late.find((c) => c.person === 2)?.state).toBe('acknowledged');
  });

  it('takes escalation steps as they are added, and a call it had not seen (a superior’s)', () => {
    const stepped = mergeCalls(board, [
      call(1, 'sent', { sent: 100 }, { steps: [{ step: 'resent', at: 200 }] }),
      call(9, 'sent', { sent: 400 }, { escalatedFrom: 1 }),
    ]);
    expect(stepped.find((c) => c.person === 1)?.steps).toEqual([{ step: 'resent', at: 200 }]);
    expect(stepped.map((c) => c.person)).toEqual([1, 2, 9]);
  });
});

describe('the county’s 未叫应 list', () => {
  const list = [call(1, 'sent', { sent: 100 }), call(2, 'sent', { sent: 50 }, { warning: '1/43' })];

  it('drops the answered calls of the warning and adds its new unanswered ones, longest waiting first', () => {
    const next = mergeUnanswered(list, W, [
      call(1, 'acknowledged', { sent: 100, acknowledged: 200 }),
      call(3, 'sent', { sent: 20 }),
    ]);
    expect(next.map((c) => `${c.warning}|${c.person}`)).toEqual(['1/42|3', '1/43|2']);
  });

  it('leaves the calls of other warnings alone, and drops a closed warning’s', () => {
    const next = mergeUnanswered(list, W, [call(2, 'acknowledged', { sent: 10, acknowledged: 20 })]);
    expect(next.map((c) => `${c.warning}|${c.person}`)).toEqual(['1/43|2', '1/42|1']);
    expect(withoutWarning(list, W).map((c) => c.warning)).toEqual(['1/43']);
  });
});

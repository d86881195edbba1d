/**
 * The 叫应 board and its escalation (call-board.ts, escalation.ts; docs/warnings.md §States,
 * §Escalation, §The board): states only move forward, delivery comes from the kit and answers from
 * people, 未叫应 lists what still waits, and an unanswered call climbs by its state: resent while
 * undelivered (never sooner than the route's latency), re-alarmed once delivered, then its
 * superiors called, whose silence climbs on.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CallBoard, type PlacedTarget } from './call-board.js';
import { kitServing } from './call-targets.js';
import { DEFAULT_ESCALATION } from './escalation.js';
import { superiorsOf } from './superiors.js';
import { FLOOD, KITS, PEOPLE, TOWNSHIP_A, VILLAGE_A1, VILLAGE_A2 } from './warnings-fixtures.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 6, 13, 19, 0);
const W = '1/500';
const MESH_LATENCY = 2 * MIN;
const SATELLITE_LATENCY = 10 * MIN;
const latency = (kit: number) => (kit === 3001 ? SATELLITE_LATENCY : MESH_LATENCY);
const placed = (person: number, area: number): PlacedTarget => ({
  person,
  area,
  kit: kitServing(area, KITS),
  named: false,
});

let board: CallBoard;
beforeEach(() => {
  board = new CallBoard();
  board.open({ id: W, sentAt: T0, expiresAt: T0 + 24 * 60 * MIN }, [
    placed(11, VILLAGE_A1),
    placed(13, VILLAGE_A2),
    placed(2, TOWNSHIP_A),
  ]);
});
const state = (person: number) => board.calls(W).find((c) => c.person === person)?.state;

describe('states', () => {
  it('moves sent → delivered by the kit, then acknowledged and acted by the person, never back', () => {
    expect(board.delivered(W, 2101, T0 + MIN).map((c) => c.person)).toEqual([11]);
    expect(state(11)).toBe('delivered');
    expect(state(13)).toBe('sent');
    board.answered(W, 2101, { person: 11, state: 'acted', evacuated: 23 }, VILLAGE_A1, T0 + 3 * MIN);
    // A 收到 that arrives after the 已转移 changes no state, and a smaller count does not shrink it.
    const late = board.answered(
      W,
      2101,
      { person: 11, state: 'acknowledged', evacuated: 5 },
      VILLAGE_A1,
      T0 + 4 * MIN,
    );
    expect(late?.moved).toBe(false);
    const call = board.calls(W).find((c) => c.person === 11);
    expect(call).toMatchObject({ state: 'acted', evacuated: 23 });
    expect(call?.at).toEqual({
      sent: T0,
      delivered: T0 + MIN,
      acknowledged: T0 + 3 * MIN,
      acted: T0 + 3 * MIN,
    });
  });

  it('takes an answer that outran its kit’s receipt as delivery too', () => {
    board.answered(W, 2102, { person: 13, state: 'acknowledged' }, VILLAGE_A2, T0 + 2 * MIN);
    expect(board.calls(W).find((c) => c.person === 13)?.at.delivered).toBe(T0 + 2 * MIN);
  });

  it('keeps an answer from someone the warning did not call, marked uncalled', () => {
    board.answered(W, 2101, { person: 12, state: 'acknowledged' }, VILLAGE_A1, T0 + MIN);
    expect(board.calls(W).find((c) => c.person === 12)).toMatchObject({
      uncalled: true,
      state: 'acknowledged',
    });
    expect(
      board.answered('9/9', 2101, { person: 12, state: 'acknowledged' }, VILLAGE_A1, T0),
    ).toBeUndefined();
  });
});

describe('未叫应', () => {
  it('lists the unanswered calls of open warnings, the longest waiting first, and nothing once cancelled', () => {
    board.delivered(W, 2101, T0 + MIN);
    board.answered(W, 2102, { person: 13, state: 'acknowledged' }, VILLAGE_A2, T0 + MIN);
    expect(board.unanswered(T0 + 2 * MIN).map((c) => c.person)).toEqual([2, 11]);
    board.close(W, T0 + 3 * MIN, 'cancelled');
    expect(board.unanswered(T0 + 4 * MIN)).toEqual([]);
    // The record stays.
    expect(board.calls(W)).toHaveLength(3);
  });

  it('drops a warning’s calls once it has expired', () => {
    expect(board.unanswered(T0 + 24 * 60 * MIN)).toEqual([]);
  });
});

describe('escalation', () => {
  const due = (now: number) => board.due(now, DEFAULT_ESCALATION, latency);

  it('resends to a kit that has not confirmed, no sooner than its route’s latency, then calls the superiors', () => {
    board.delivered(W, 2101, T0 + MIN);
    board.answered(W, 2101, { person: 11, state: 'acknowledged' }, VILLAGE_A1, T0 + MIN);
    // Village A2's kit (mesh) has not confirmed; the township's gateway (satellite) neither.
    expect(due(T0 + MIN)).toEqual({ actions: [], wakeAt: T0 + MESH_LATENCY });
    const first = due(T0 + MESH_LATENCY);
    expect(first.actions).toEqual([{ kind: 'resend', warning: W, kit: 2102, persons: [13] }]);
    // The satellite route's call is not resent before its latency has passed.
    expect(first.wakeAt).toBe(T0 + SATELLITE_LATENCY);
    board.record(first.actions[0] as never, T0 + MESH_LATENCY);
    expect(due(T0 + MESH_LATENCY + 1).actions).toEqual([]);
    board.record({ kind: 'resend', warning: W, kit: 2102, persons: [13] }, T0 + 2 * MESH_LATENCY);
    // Two sends unconfirmed: the superiors are called one latency after the last, and the kit is
    // sent to once more, the next time twice as long after.
    expect(due(T0 + 3 * MESH_LATENCY - 1).actions).toEqual([]);
    expect(due(T0 + 3 * MESH_LATENCY).actions).toEqual([
      { kind: 'resend', warning: W, kit: 2102, persons: [13] },
      { kind: 'superior', warning: W, person: 13 },
    ]);
    board.record({ kind: 'resend', warning: W, kit: 2102, persons: [13] }, T0 + 3 * MESH_LATENCY);
    board.callSuperiors(W, 13, [], T0 + 3 * MESH_LATENCY);
    expect(due(T0 + 5 * MESH_LATENCY - 1).actions).toEqual([]);
    expect(due(T0 + 5 * MESH_LATENCY).actions).toContainEqual({
      kind: 'resend',
      warning: W,
      kit: 2102,
      persons: [13],
    });
    expect(due(T0 + SATELLITE_LATENCY).actions).toContainEqual({
      kind: 'resend',
      warning: W,
      kit: 3001,
      persons: [2],
    });
  });

  it('re-alarms a delivered call after five minutes, then calls its superiors, whose silence climbs on', () => {
    board.delivered(W, 2101, T0 + MIN);
    board.delivered(W, 2102, T0 + MIN);
    board.delivered(W, 3001, T0 + MIN);
    board.answered(W, 2102, { person: 13, state: 'acknowledged' }, VILLAGE_A2, T0 + 2 * MIN);
    board.answered(W, 3001, { person: 2, state: 'acknowledged' }, TOWNSHIP_A, T0 + 2 * MIN);
    expect(due(T0 + 6 * MIN - 1)).toEqual({ actions: [], wakeAt: T0 + 6 * MIN });
    const realarm = due(T0 + 6 * MIN).actions;
    expect(realarm).toEqual([{ kind: 'realarm', warning: W, kit: 2101, persons: [11] }]);
    board.record(realarm[0] as never, T0 + 6 * MIN);
    expect(due(T0 + 11 * MIN - 1).actions).toEqual([]);
    expect(due(T0 + 11 * MIN).actions).toEqual([{ kind: 'superior', warning: W, person: 11 }]);
    // The service finds the superiors and calls them; the township's person already answered, so the
    // call is not made twice, and the escalation is recorded on 11's call.
    const superiors = superiorsOf(VILLAGE_A1, { roles: [FLOOD] }, PEOPLE).map((t) =>
      placed(t.person, t.area),
    );
    expect(board.callSuperiors(W, 11, superiors, T0 + 11 * MIN)).toEqual([]);
    expect(board.calls(W).find((c) => c.person === 11)?.steps).toEqual([
      { step: 'realarmed', at: T0 + 6 * MIN },
      { step: 'superior', at: T0 + 11 * MIN },
    ]);
    expect(due(T0 + 20 * MIN).actions).toEqual([]);
    // A superior not yet called is, and their own call escalates like any other.
    const county = board.callSuperiors(
      W,
      2,
      [{ person: 1, area: 430121, kit: undefined, named: false }],
      T0 + 12 * MIN,
    );
    expect(county).toMatchObject([{ person: 1, escalatedFrom: 2, state: 'sent' }]);
    // No kit serves the county's person: their superiors at once (none above the county).
    expect(due(T0 + 12 * MIN).actions).toEqual([{ kind: 'superior', warning: W, person: 1 }]);
  });

  it('waits past five minutes for answers on their way: as late as the kit’s acks arrive, and that long after the kit was last heard, never more than half the time to answer', () => {
    board.delivered(W, 2101, T0 + MIN);
    board.delivered(W, 2102, T0 + MIN);
    board.answered(W, 2102, { person: 13, state: 'acknowledged' }, VILLAGE_A2, T0 + 2 * MIN);
    const realarms = (now: number, lag: (kit: number) => number | undefined) =>
      board.due(now, DEFAULT_ESCALATION, latency, lag).actions.filter((a) => a.kind === 'realarm');
    const realarm = [{ kind: 'realarm', warning: W, kit: 2101, persons: [11] }];
    // 2101's acks arrive a minute late: an answer made at minute 6 is here at minute 7.
    const late = (kit: number) => (kit === 2101 ? MIN : undefined);
    expect(realarms(T0 + 7 * MIN - 1, late)).toEqual([]);
    expect(realarms(T0 + 7 * MIN, late)).toEqual(realarm);
    // A neighbour's answer (uncalled) from 2101 at minute 6.5: the kit is answering, one lag more.
    board.answered(W, 2101, { person: 12, state: 'acknowledged' }, VILLAGE_A1, T0 + 6.5 * MIN);
    expect(realarms(T0 + 7.5 * MIN - 1, late)).toEqual([]);
    expect(realarms(T0 + 7.5 * MIN, late)).toEqual(realarm);
    // However late its acks, a silent person is re-alarmed 7.5 minutes after delivery at the latest.
    expect(realarms(T0 + 8.5 * MIN - 1, () => 30 * MIN)).toEqual([]);
    expect(realarms(T0 + 8.5 * MIN, () => 30 * MIN)).toEqual(realarm);
    // Nothing known of its acks' lateness: five minutes, and no longer for being heard lately.
    expect(realarms(T0 + 6.5 * MIN, () => undefined)).toEqual(realarm);
  });

  it('stops when the warning is cancelled', () => {
    board.close(W, T0 + MIN, 'cancelled');
    expect(due(T0 + 60 * MIN)).toEqual({ actions: [], wakeAt: undefined });
  });
});

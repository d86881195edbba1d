/**
 * The state of a task is a fold of its messages (task-state.ts; docs/teams.md §The state of a
 * task): the same messages in any order give the same state; steps only move forward; of done and
 * declined the earlier wins; a step that came before its assignment is held, and the task is
 * incomplete until the assignment comes. The rate limit of a phone's positions (position-board.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T1, T2 } from '../../wire/fixtures/team-messages.js';
import type { MessageOf } from '../../wire/message.js';
import { positionDue } from './position-board.js';
import { type TaskStep, taskState } from './task-state.js';

function step(seq: number, s: TaskStep, minutes: number, what?: string): MessageOf<'task'> {
  return {
    ...T2,
    seq,
    createdAt: T1.createdAt + minutes * 60,
    body: {
      step: s,
      task: { origin: T1.origin, seq: T1.seq },
      person: 1,
      ...(what === undefined ? {} : { what }),
    },
  };
}

const LIFE = [T1, step(1, 'accepted', 4), step(2, 'on-scene', 30), step(3, 'done', 90, '救出3人')];

describe('the state of a task', () => {
  it('is the same whatever order its messages came in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(LIFE, { minLength: LIFE.length, maxLength: LIFE.length }), (order) => {
        expect(taskState(order)).toEqual(taskState(LIFE));
      }),
    );
    expect(taskState(LIFE)).toMatchObject({
      id: '1/62',
      team: 5003,
      status: 'done',
      what: '搜救三组',
      assignedBy: 9,
      open: false,
      complete: true,
    });
    expect(taskState(LIFE).steps.map((s) => s.step)).toEqual(['assigned', 'accepted', 'on-scene', 'done']);
  });

  it('never moves back: an accept heard after on scene moves nothing', () => {
    const late = step(4, 'accepted', 40);
    expect(taskState([T1, step(2, 'on-scene', 30), late]).status).toBe('on-scene');
  });

  it('ends with the earlier of done and declined, with the reason of a decline', () => {
    const declined = step(5, 'declined', 10, '道路中断');
    expect(taskState([T1, step(3, 'done', 90), declined])).toMatchObject({
      status: 'declined',
      reason: '道路中断',
    });
    expect(taskState([T1, step(3, 'done', 5), declined]).status).toBe('done');
  });

  it('holds a step that came before its assignment, incomplete, on the team of its sender', () => {
    const t = taskState([step(1, 'accepted', 4)]);
    expect(t).toMatchObject({ id: '1/62', team: 5003, status: 'accepted', complete: false });
    expect(t.what).toBeUndefined();
  });
});

describe('the position rate limit', () => {
  const rule = { intervalMs: 120_000, moveM: 100 };
  const here = { lat: 28.19, lon: 112.97 };
  const far = { lat: 28.192, lon: 112.97 }; // about 222 m north

  it('sends the first, then one per interval, sooner only after moving far and a quarter interval', () => {
    expect(positionDue(undefined, { at: 0, point: here }, rule)).toEqual({ due: true });
    expect(positionDue({ at: 0, point: here }, { at: 60_000, point: here }, rule)).toEqual({
      due: false,
      nextAt: 120_000,
    });
    expect(positionDue({ at: 0, point: here }, { at: 120_000, point: here }, rule)).toEqual({ due: true });
    expect(positionDue({ at: 0, point: here }, { at: 10_000, point: far }, rule).due).toBe(false);
    expect(positionDue({ at: 0, point: here }, { at: 30_000, point: far }, rule)).toEqual({ due: true });
  });
});

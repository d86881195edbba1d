/**
 * How warnings are shown and listed (docs/ui.md §Warnings): the colour of a warning without one is
 * its level's, as the kit sounds it; red and orange take the full screen; in force first; and the
 * public list in force after a warning comes over the stream.
 */
import { describe, expect, it } from 'vitest';
import type { PublicWarningView, WarningView } from './api-types.js';
import { byInForce, inForceWith, inForceWithView, isUrgent, shownColour } from './warning-view.js';

describe('shownColour and isUrgent', () => {
  it('shows a warning without a colour in its level’s, and alarms for red and orange only', () => {
    expect(shownColour({ colour: 'none', level: 2 })).toBe('orange');
    expect(shownColour({ colour: 'yellow', level: 1 })).toBe('yellow');
    expect(isUrgent({ colour: 'none', level: 1 })).toBe(true);
    expect(isUrgent({ colour: 'orange', level: 0 })).toBe(true);
    expect(isUrgent({ colour: 'blue', level: 1 })).toBe(false);
    expect(isUrgent({ colour: 'none', level: 0 })).toBe(false);
  });
});

describe('byInForce', () => {
  it('lists those in force first, then the rest, each the newest first', () => {
    const list = [
      { id: 'a', status: 'expired' as const, createdAt: 5 },
      { id: 'b', status: 'active' as const, createdAt: 1 },
      { id: 'c', status: 'cancelled' as const, createdAt: 9 },
      { id: 'd', status: 'active' as const, createdAt: 3 },
    ];
    expect(byInForce(list).map((w) => w.id)).toEqual(['d', 'b', 'c', 'a']);
  });
});

describe('inForceWith', () => {
  const w = (id: string, expires: number): PublicWarningView => ({
    id,
    headline: { zh: id, en: id },
    colour: 'red',
    level: 1,
    event: '11B03',
    areas: [],
    onset: 0,
    expires,
    instruction: '',
    exercise: false,
  });

  it('puts a new warning first, replaces one of the same id, and drops the expired', () => {
    const list = [w('1/1', 100), w('1/2', 50)];
    expect(inForceWith(list, w('1/3', 200), true, 60).map((x) => x.id)).toEqual(['1/3', '1/1']);
    expect(
      inForceWith(list, { ...w('1/1', 300), instruction: 'new' }, true, 10).map((x) => [x.id, x.instruction]),
    ).toEqual([
      ['1/1', 'new'],
      ['1/2', ''],
    ]);
    expect(inForceWith(list, w('1/4', 5), true, 10).map((x) => x.id)).toEqual(['1/1', '1/2']);
  });

  it('drops a warning the kit says is no longer in force', () => {
    expect(inForceWith([w('1/1', 100), w('1/2', 100)], w('1/1', 100), false, 10).map((x) => x.id)).toEqual([
      '1/2',
    ]);
  });

  it('takes a full view: in force it comes in with the areas named as the list names them; its cancel takes it off', () => {
    const named = { ...w('1/1', 100), areas: [{ code: 430121101201, name: '青龙村' }] };
    const full = {
      id: '1/5',
      action: 'issue',
      thread: '1/5',
      issuer: 1,
      event: '11B03',
      level: 1,
      colour: 'red',
      headline: { zh: '暴雨红色预警', en: 'red rainstorm warning' },
      areas: [430121101201, 430121101202],
      roles: [],
      onset: 0,
      expires: 200,
      instruction: '转移',
      exercise: true,
      createdAt: 0,
      recordedAt: 0,
      status: 'active',
    } satisfies WarningView;
    const withIt = inForceWithView([named], full, 10);
    expect(withIt[0]).toMatchObject({
      id: '1/5',
      exercise: true,
      areas: [{ code: 430121101201, name: '青龙村' }, { code: 430121101202 }],
    });
    const cancel = { ...full, id: '1/6', action: 'cancel' as const, references: '1/5' };
    expect(inForceWithView(withIt, cancel, 10).map((x) => x.id)).toEqual(['1/1']);
    expect(inForceWithView(withIt, { ...full, status: 'superseded' }, 10).map((x) => x.id)).toEqual(['1/1']);
  });
});

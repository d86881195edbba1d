/**
 * Who a warning calls and which kit reaches them (call-targets.ts), and whom an unanswered call
 * goes to (superiors.ts; docs/warnings.md §Who must answer, §Escalation).
 */
import { describe, expect, it } from 'vitest';
import { callTargets, kitServing } from './call-targets.js';
import { superiorsOf } from './superiors.js';
import {
  COUNTY,
  FLOOD,
  GRID,
  KITS,
  PEOPLE,
  TOWNSHIP_A,
  TOWNSHIP_B,
  VILLAGE_A1,
  VILLAGE_A2,
  VILLAGE_B1,
} from './warnings-fixtures.js';

const ids = (targets: Array<{ person: number }>) => targets.map((t) => t.person);

describe('callTargets', () => {
  it('calls the people of the warning’s roles whose areas lie within its areas, not those above', () => {
    const targets = callTargets({ areas: [TOWNSHIP_A], roles: [FLOOD] }, PEOPLE);
    // The township's own responsible person (2) and both its villages' (11, 13); not the county's
    // (1), not the grid member (12, another role), not another township's village (21).
    expect(ids(targets)).toEqual([2, 11, 13]);
    expect(targets.find((t) => t.person === 11)).toEqual({ person: 11, area: VILLAGE_A1, named: false });
  });

  it('calls a named person whatever their role or area, once, even when their role calls them too', () => {
    const targets = callTargets(
      {
        areas: [VILLAGE_A1],
        roles: [FLOOD],
        persons: [
          { node: 2101, person: 11 },
          { node: 2102, person: 30 },
        ],
      },
      PEOPLE,
    );
    expect(targets).toEqual([
      { person: 11, area: VILLAGE_A1, named: true },
      { person: 30, area: COUNTY, named: true },
    ]);
  });

  it('calls several roles over several areas', () => {
    expect(ids(callTargets({ areas: [VILLAGE_A1, VILLAGE_B1], roles: [FLOOD, GRID] }, PEOPLE))).toEqual([
      11, 12, 21,
    ]);
  });

  it('calls nobody for an area without people', () => {
    expect(callTargets({ areas: [430121199201], roles: [FLOOD] }, PEOPLE)).toEqual([]);
  });
});

describe('kitServing', () => {
  it('is the closest kit whose area contains the person’s', () => {
    expect(kitServing(VILLAGE_A1, KITS)).toBe(2101);
    expect(kitServing(TOWNSHIP_A, KITS)).toBe(3001);
    // A village without a kit of its own is reached through its township's gateway.
    expect(kitServing(430121100299, KITS)).toBe(3001);
    expect(kitServing(VILLAGE_B1, KITS)).toBeUndefined();
  });
});

describe('superiorsOf', () => {
  it('goes up to the nearest area with someone in the warning’s roles', () => {
    expect(superiorsOf(VILLAGE_A1, { roles: [FLOOD] }, PEOPLE)).toEqual([
      { person: 2, area: TOWNSHIP_A, named: false },
    ]);
    // 乙镇 has no responsible person: the county's is next.
    expect(ids(superiorsOf(VILLAGE_B1, { roles: [FLOOD] }, PEOPLE))).toEqual([1]);
    expect(ids(superiorsOf(TOWNSHIP_B, { roles: [FLOOD] }, PEOPLE))).toEqual([1]);
  });

  it('has no one above the county, nor anyone outside the warning’s roles', () => {
    expect(superiorsOf(COUNTY, { roles: [FLOOD] }, PEOPLE)).toEqual([]);
    expect(superiorsOf(VILLAGE_A2, { roles: [GRID] }, PEOPLE)).toEqual([]);
  });
});

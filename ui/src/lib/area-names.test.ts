/**
 * The areas as the warning form lists them (docs/ui.md §Warnings): each under the nearest listed
 * area that holds it, by the codes alone (node/src/domain/roster/area-code.ts).
 */
import { describe, expect, it } from 'vitest';
import { areaTree } from './area-names.js';

describe('areaTree', () => {
  it('lists each village under its township, siblings by code, areas without a listed parent at the top', () => {
    const tree = areaTree([
      { code: 430121101202, name: '白石村' },
      { code: 430121102, name: '二乡' },
      { code: 430121101, name: '一镇' },
      { code: 430121101201, name: '青龙村' },
      { code: 430121103301, name: '孤村' },
    ]);
    expect(tree.map((a) => [a.name, a.depth])).toEqual([
      ['一镇', 0],
      ['青龙村', 1],
      ['白石村', 1],
      ['二乡', 0],
      ['孤村', 0],
    ]);
  });
});

/**
 * The `shelters:` section (shelters-section.ts, docs/shelters.md §The registry): the registry and
 * the evacuation lists read from the file, every mistake at once by key, and the example file read
 * as documented.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';

const NODE = { node: { id: 1, role: 'centre' }, keys: {} };
const load = (shelters: unknown) => parseConfig({ ...NODE, shelters }, { baseDir: '/tmp' });

function problemsOf(shelters: unknown): string {
  try {
    load(shelters);
  } catch (err) {
    if (isKitError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  return '';
}

describe('the shelters section', () => {
  it('is absent when the file says nothing', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).shelters).toBeUndefined();
  });

  it('reads the registry and the evacuation list, a place as [lon, lat]', () => {
    expect(
      load({
        sites: [
          { number: 1, name: '青龙村小学安置点', area: 430121101201, at: [113.902, 28.292], capacity: 120 },
        ],
        expected: [{ registration: 1201, name: '王大伯', area: 430121101201, flags: ['elderly'] }],
      }).shelters,
    ).toEqual({
      sites: [
        {
          number: 1,
          name: '青龙村小学安置点',
          area: 430121101201,
          point: { lon: 113.902, lat: 28.292 },
          capacity: 120,
        },
      ],
      expected: [{ registration: 1201, name: '王大伯', area: 430121101201, flags: ['elderly'] }],
    });
  });

  it('names every mistake at once: a number twice, no area, an unknown flag, a person listed twice', () => {
    const problems = problemsOf({
      sites: [
        { number: 1, name: '甲', area: 430121101201, capacity: 10 },
        { number: 1, name: '乙', area: 430121101202, capacity: 10 },
        { number: 2, name: '丙', capacity: 10 },
      ],
      expected: [
        { registration: 5, name: '张三', area: 430121101201, flags: ['tall'] },
        { registration: 5, name: '李四', area: 430121101201 },
      ],
    });
    expect(problems).toContain('shelters.sites[1].number');
    expect(problems).toContain('listed twice');
    expect(problems).toContain('shelters.sites[2].area');
    expect(problems).toContain('shelters.expected[0].flags');
    expect(problems).toContain('shelters.expected[1].registration');
  });

  it('reads the example file’s section', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const shelters = (await loadConfig(example, { env: {}, cwd: '/tmp' })).shelters;
    expect(shelters?.sites.map((s) => s.number)).toEqual([1]);
    expect(shelters?.expected.map((p) => p.registration)).toEqual([1201]);
  });
});

/**
 * The `teams:` section (teams-section.ts, docs/teams.md §The roster of a team): absent is none;
 * a team's kit, name, leader and members; every mistake at once by key; one team per kit; and the
 * example file's section read as the defaults say.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';

const NODE = { node: { id: 1, role: 'centre' }, keys: {} };
const load = (teams: unknown) => parseConfig({ ...NODE, teams }, { baseDir: '/tmp' });

function problemsOf(teams: unknown): string {
  try {
    load(teams);
  } catch (err) {
    if (isKitError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  return '';
}

describe('the teams section', () => {
  it('is absent when the file says nothing', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).teams).toBeUndefined();
  });

  it('reads each team, adds a leader left out of the members, and takes the cadence in seconds', () => {
    expect(
      load({ position_interval_s: 60, list: [{ kit: 5003, name: '县救援一队', leader: 6, members: [7] }] })
        .teams,
    ).toEqual({
      list: [{ kit: 5003, name: '县救援一队', leader: 6, members: [6, 7] }],
      positionIntervalMs: 60_000,
      positionMoveM: 100,
    });
  });

  it('names every mistake at once', () => {
    const message = problemsOf({
      position_interval_s: 1,
      list: [
        { kit: 5003, name: 'a', members: ['x'] },
        { kit: 5003, name: 'b' },
        { name: 'c', size: 3 },
      ],
    });
    expect(message).toContain('teams.position_interval_s');
    expect(message).toContain('teams.list[0].members');
    expect(message).toContain('kit 5003 already has a team');
    expect(message).toContain('teams.list[2].kit: required');
    expect(message).toContain('teams.list[2].size: unknown key');
  });

  it('is read from the example file', async () => {
    const config = await loadConfig(fileURLToPath(new URL('./example.yaml', import.meta.url)));
    expect(config.teams?.list[0]).toMatchObject({ kit: 5003, leader: 6 });
    expect(config.teams?.positionIntervalMs).toBe(120_000);
  });
});

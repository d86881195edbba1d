/**
 * The `teams` section of the configuration file (docs/conventions.md §Configuration; docs/teams.md
 * §The roster of a team): the county's rescue teams (救援队), each with its kit, name, leader and
 * members by roster id, the same list at the centre and at each team's kit; and how often a phone
 * at a team's kit may send its holder's position. What is left out keeps the defaults.
 */
import { DEFAULT_TEAMS, type Team, type TeamsConfig } from '../domain/teams/team.js';
import type { Section } from './reader.js';

export const TEAMS_KEYS = ['list', 'position_interval_s', 'position_move_m'];
const TEAM_KEYS = ['kit', 'name', 'leader', 'members'];

export function parseTeamsSection(s: Section): TeamsConfig {
  const interval = s.int('position_interval_s', 10, 86_400);
  const move = s.int('position_move_m', 0, 100_000);
  const list: Team[] = [];
  const kits = new Set<number>();
  for (const { value, path } of s.list('list')) {
    const t = s.item(value, path, TEAM_KEYS);
    const kit = t.int('kit', 1, 0xffff_ffff, true);
    const name = t.str('name', true);
    const leader = t.int('leader', 1, 0xffff);
    const members: number[] = [];
    for (const m of t.list('members')) {
      if (typeof m.value === 'number' && Number.isInteger(m.value) && m.value >= 1 && m.value <= 0xffff)
        members.push(m.value);
      else t.problem('members', `${m.path}: expected a roster id from 1 to 65535`);
    }
    if (kit === undefined || name === undefined) continue;
    if (kits.has(kit)) t.problem('kit', `kit ${kit} already has a team: one team per kit`);
    kits.add(kit);
    list.push({
      kit,
      name,
      ...(leader === undefined ? {} : { leader }),
      members: leader === undefined || members.includes(leader) ? members : [leader, ...members],
    });
  }
  return {
    list,
    positionIntervalMs: interval === undefined ? DEFAULT_TEAMS.positionIntervalMs : interval * 1000,
    positionMoveM: move ?? DEFAULT_TEAMS.positionMoveM,
  };
}

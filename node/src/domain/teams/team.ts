/**
 * A rescue team (救援队) as the county configures it (docs/teams.md §The roster of a team): its kit,
 * its name, its leader and members by roster id. The `teams:` section gives the same list to the
 * centre and to each team's kit; a team is known on air only by its kit's node id, and its people
 * only by roster id, so no name goes on air.
 */
import type { RosterId } from '../roster/person.js';

export interface Team {
  /** The node id of the team's kit: where its tasks go, and who its steps come from. */
  readonly kit: number;
  /** As people know it, e.g. 县消防救援大队一队; never sent on air. */
  readonly name: string;
  readonly leader?: RosterId;
  readonly members: readonly RosterId[];
}

export interface TeamsConfig {
  readonly list: readonly Team[];
  /**
   * A phone at a team's kit sends its holder's position at most this often, ms (docs/teams.md
   * §Positions). Default 2 min.
   */
  readonly positionIntervalMs: number;
  /** …and sooner only after moving at least this far, metres. Default 100. */
  readonly positionMoveM: number;
}

export const DEFAULT_TEAMS: TeamsConfig = { list: [], positionIntervalMs: 120_000, positionMoveM: 100 };

/**
 * The people and the warning of the 叫应 storm (docs/mesh-simulator.md §The 叫应 storm), on the
 * mesh benchmark's county (mesh-scenario.ts): the 15 village kits serve one village each of one
 * township, and each village has ten people who must answer, two 防汛责任人 and eight 网格员. The
 * centre issues a red warning for the township, which calls all 150 of them; each answers at a
 * seeded time within five minutes of the warning reaching their kit (docs/warnings.md: everyone
 * woken within five minutes), the 防汛责任人 with a report of action (people moved), the others with
 * 收到.
 */

import type { Person } from '../node/src/domain/roster/person.js';
import type { WarningDraft } from '../node/src/domain/warnings/desk/warning-compose.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { KITS, SEED } from './mesh-scenario.js';

export const STORM_TOWNSHIP = 430121101;
export const STORM_ISSUER = 3;
export const PEOPLE_PER_KIT = 10;
/** Within how long of the warning reaching their kit every person answers, ms. */
export const ANSWER_WITHIN_MS = 5 * 60_000;

/** The village a kit serves, as the mesh benchmark's fieldnode side numbers it. */
export function villageOf(kit: number): number {
  return STORM_TOWNSHIP * 1000 + 200 + (kit % 100);
}

/** Ten people in each kit's village. */
export const STORM_PEOPLE: readonly Person[] = KITS.flatMap((kit, k) =>
  Array.from(
    { length: PEOPLE_PER_KIT },
    (_, j): Person => ({
      id: 1000 + k * PEOPLE_PER_KIT + j,
      name: `${kit.name}村${j < 2 ? '责任人' : '网格员'}${j + 1}`,
      roles: j < 2 ? ['flood-responsible'] : ['grid-member'],
      areas: [villageOf(kit.id)],
    }),
  ),
);

export function peopleOf(kit: number): Person[] {
  return STORM_PEOPLE.filter((p) => p.areas[0] === villageOf(kit));
}

/** A red 山洪 warning for the township, six hours from `nowS` (unix seconds). */
export function stormDraft(nowS: number): WarningDraft {
  return {
    action: 'issue',
    event: '11B03',
    level: 1,
    colour: 'red',
    areas: [STORM_TOWNSHIP],
    roles: ['flood-responsible', 'grid-member'],
    onset: nowS,
    expires: nowS + 6 * 3600,
    instruction: '立即转移山洪危险区群众',
    senderName: '某县气象台',
  };
}

export interface StormAnswer {
  person: number;
  /** After the warning reached the kit, ms. */
  afterMs: number;
  input: { state: 'acknowledged' | 'acted'; evacuated?: number };
}

/** Each person's answer at a kit, seeded per kit. */
export function answersAt(kit: number, seed = SEED): StormAnswer[] {
  const random = seededRandom(seed * 31 + kit);
  return peopleOf(kit).map((p) => ({
    person: p.id,
    afterMs: Math.floor(random() * ANSWER_WITHIN_MS),
    input: p.roles.includes('flood-responsible')
      ? { state: 'acted', evacuated: 5 + Math.floor(random() * 40) }
      : { state: 'acknowledged' },
  }));
}

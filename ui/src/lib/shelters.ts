/**
 * The shelter view's data (docs/shelters.md §The view, §The API): the shapes the API answers, as
 * the node's service gives them, and what the view works out of them: how full a shelter is.
 */
export type {
  PublicShelterView as PublicShelter,
  ShelterView as Shelter,
  UnaccountedPerson,
} from '../../../node/src/domain/shelters/shelter.js';
export type { SheltersReport } from '../../../node/src/http/shelters-service.js';
export { PERSON_FLAGS } from '../../../node/src/wire/kinds/rollcall.js';

import type { PublicShelterView } from '../../../node/src/domain/shelters/shelter.js';

/** How full a shelter is, whole percent; undefined without a capacity. */
export function fillPercent(s: Pick<PublicShelterView, 'present' | 'capacity'>): number | undefined {
  if (s.capacity === undefined || s.capacity === 0) return undefined;
  return Math.round((s.present / s.capacity) * 100);
}

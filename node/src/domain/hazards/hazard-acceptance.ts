/**
 * Whether a change of a hazard that arrived from another node may be applied here (docs/hazards.md
 * §Who may do what). The node that sent it checked its maker's permission before it went on air;
 * the centre checks again against the county's roster, so that a kit whose roster is stale, or a
 * kit in the wrong hands, cannot verify or close a hazard for someone who may not. A change the
 * centre made is applied at a kit as it is: the kit's roster holds its own area's people, not the
 * county's duty officers, and the centre's MAC tag proves where it came from.
 */

import { may } from '../roster/permissions.js';
import type { Person } from '../roster/person.js';
import type { HazardEntry, HazardView } from './hazard.js';
import { permissionsFor, statusOfWire } from './hazard-status.js';

export interface HazardAcceptanceOptions {
  /** The centre's nodes (`centre_nodes`). */
  centreNodes: readonly number[];
  /** The roster here now. */
  people: () => readonly Person[];
  /** A kit's own area, by node id. */
  kitArea: (node: number) => number | undefined;
}

/** Undefined when the change may be applied, else why not (kept with it, and shown). */
export function hazardAcceptance(o: HazardAcceptanceOptions) {
  return (entry: HazardEntry, hazard: HazardView | undefined): string | undefined => {
    if (o.centreNodes.includes(entry.origin)) return undefined;
    const status = statusOfWire(entry.body.status);
    if (status === 'reported') return 'a change that moves nothing: its status is reported';
    const id = entry.body.reporter;
    if (id === undefined) return 'a change that names no person';
    const person = o.people().find((p) => p.id === id);
    if (person === undefined) return `person ${id} is not on this node's roster`;
    const area = hazard?.area ?? entry.body.area ?? o.kitArea(entry.origin);
    if (area === undefined) return 'the hazard has no known area to check the change against';
    const needed = permissionsFor(status);
    return needed.some((p) => may(person, p, area))
      ? undefined
      : `person ${id} may not mark a hazard in area ${area} ${status} (needs ${needed.join(' or ')})`;
  };
}

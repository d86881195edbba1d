/**
 * Whether a hazard message that arrived from another node may be applied here (docs/hazards.md
 * §Who may do what, §The life of a hazard). The node that sent it checked its maker's permission
 * before it went on air; the centre checks again against the county's roster, so that a kit whose
 * roster is stale, or a kit in the wrong hands, cannot verify or close a hazard for someone who may
 * not.
 *
 * A kit speaks only for its own people: the person a change from a kit names must be one the roster
 * sent to that kit holds (one of their areas within the kit's area, as `airRoster` picks them).
 * Otherwise a stolen or tampered kit could name the duty officer, whose `hazard.verify` reaches
 * everywhere, and verify or close any hazard in the county. A change the centre made is applied at a
 * kit as it is: the kit's roster holds its own area's people, not the county's duty officers, and
 * the centre's MAC tag proves where it came from.
 *
 * An opening report from the air must say `reported`: every later step is a change checked here,
 * and an opening that arrived already verified or closed would skip that check.
 */

import { areaContains } from '../roster/area-code.js';
import { may } from '../roster/permissions.js';
import type { Person } from '../roster/person.js';
import type { HazardEntry, HazardView } from './hazard.js';
import { permissionsFor, statusOfWire } from './hazard-status.js';

export interface HazardAcceptanceOptions {
  /** The centre's nodes (`centre_nodes`). */
  centreNodes: readonly number[];
  /** The roster here now. */
  people: () => readonly Person[];
  /** A kit's own area, by node id: the area of the roster the centre sends it. */
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
    const own = o.kitArea(entry.origin);
    if (own === undefined)
      return `node ${entry.origin} has no area in keys.nodes, so none of its people can be known`;
    if (!person.areas.some((a) => areaContains(own, a)))
      return `person ${id} does not belong to kit ${entry.origin} (area ${own}): a kit speaks only for its own people`;
    const area = hazard?.area ?? entry.body.area ?? own;
    const needed = permissionsFor(status);
    return needed.some((p) => may(person, p, area))
      ? undefined
      : `person ${id} may not mark a hazard in area ${area} ${status} (needs ${needed.join(' or ')})`;
  };
}

/**
 * Undefined when an opening report from the air may stand as it says, else why its status is not
 * applied: the report still opens the hazard, which stays `reported` until a change moves it.
 */
export function openingAcceptance(entry: HazardEntry): string | undefined {
  const status = statusOfWire(entry.body.status);
  return status === 'reported'
    ? undefined
    : `an opening report must be reported, not ${status}: it stands as reported until someone verifies it`;
}

/**
 * A hazard (隐患) as a node holds it (docs/hazards.md §The state of a hazard): the messages of its
 * life, each kept as the wire carried it, and the view derived from them. Only the messages are
 * kept; the view is computed (hazard-state.ts), so it never disagrees with what arrived.
 */
import type { GeoPoint } from '../../wire/field-codecs.js';
import type { HazardBody } from '../../wire/kinds/hazard.js';
import type { HazardStatus } from './hazard-status.js';

export type HazardSeverity = HazardBody['severity'];

/** One message of a hazard's life: its opening report or a change. */
export interface HazardEntry {
  /** The message id, `origin/seq`. */
  id: string;
  origin: number;
  seq: number;
  /** The envelope's creation time, unix seconds. */
  createdAt: number;
  /** The envelope's `exercise` flag: a drill's hazard. */
  exercise: boolean;
  body: HazardBody;
  /** When this node recorded it, unix ms. */
  receivedAt: number;
  /** Why this node did not apply it (a change by someone who may not make it), if so. */
  refused?: string;
}

/** One step of a hazard's life, as shown: who did what, when, from which node. */
export interface HazardStep {
  /** The message that said it. */
  id: string;
  status: HazardStatus;
  /** Roster id of who reported it or made the change. */
  by?: number;
  /** When it was said (the message's creation time), unix ms. */
  at: number;
  node: number;
  note?: string;
  severity: HazardSeverity;
  refused?: string;
}

/** A hazard as the API and the ledger show it. */
export interface HazardView {
  /** Its opening report's message id. */
  id: string;
  /** The opening report is held here; false while only a change of it has arrived. */
  opened: boolean;
  exercise: boolean;
  /** The hazard code (node/src/wire/codes/hazard-types.ts). */
  hazard: number;
  /** Its sector (hazard-sectors.ts), when given. */
  sector?: number;
  severity: HazardSeverity;
  status: HazardStatus;
  /** Where it is: the report's area, else the reporting kit's own; undefined when neither is known. */
  area?: number;
  point?: GeoPoint;
  peopleAtRisk?: number;
  householdsAtRisk?: number;
  /** What the reporter found. */
  description?: string;
  /** The node that reported it: its photos are there. */
  node: number;
  reportedBy?: number;
  /** When it was reported, unix ms (the first change's time while the report is missing). */
  reportedAt: number;
  /** The last step's time, unix ms. */
  updatedAt: number;
  /** Photos of it held at the reporting kit. */
  photos: number;
  /** Every step, oldest first, refused ones included. */
  steps: HazardStep[];
}

/** The id of the hazard a message belongs to: its own for an opening report, else `previous`. */
export function hazardIdOf(entry: Pick<HazardEntry, 'id' | 'body'>): string {
  const p = entry.body.previous;
  return p === undefined ? entry.id : `${p.origin}/${p.seq}`;
}

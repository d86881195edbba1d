/**
 * Beacon: a node tells its neighbours what it reaches and at what cost, e.g. "gateway to the
 * centre, 1 hop" (routes come from small periodic beacons rather than a routing protocol
 * that would cost airtime: docs/store-and-forward.md §Routing; docs/wire-format.md §beacon).
 * Kind 12, one hop only: never stored, never relayed; signed with the node's identity, since a
 * forged beacon could draw traffic into a black hole.
 */
import { arrayOf, enumOf, optional, type RecordOf, record, required, uint } from '../schema.js';

export const BEACON_TARGETS = ['centre', 'node', 'area', 'all'] as const;

export const beaconFields = {
  reaches: required(
    arrayOf(
      record({
        to: required(enumOf(BEACON_TARGETS)),
        /** The node id or area code for 'node' and 'area'. */
        value: optional(uint(999_999_999_999)),
        /** Hops from the announcing node; the receiver adds one. */
        cost: required(uint(255)),
      }),
      16,
    ),
  ),
  /** Seconds between this node's beacons: a route learnt from it is forgotten after three. */
  intervalS: optional(uint(86_400)),
};

export type BeaconBody = RecordOf<typeof beaconFields>;

export function checkBeacon(body: BeaconBody): string | undefined {
  for (const r of body.reaches) {
    if ((r.to === 'node' || r.to === 'area') !== (r.value !== undefined))
      return `a beacon's ${r.to} target needs a value exactly when it is a node or an area`;
  }
  return undefined;
}

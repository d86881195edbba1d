/**
 * Beacon: a node tells its neighbours what it reaches and at what cost, e.g. "gateway to the
 * centre, 1 hop" (routes come from small periodic beacons rather than a routing protocol
 * that would cost airtime: docs/store-and-forward.md §Routing; docs/wire-format.md §4.6).
 * Kind 12, one hop only: never stored, never relayed; signed with the node's identity, since a
 * forged beacon could draw traffic into a black hole.
 *
 * `addr` binds the sender's link address into the signature (docs/wire-format.md §4.6): a
 * node id and a link address are otherwise joined only by whoever sent the frame, so anyone
 * could replay a neighbour's signed beacon from their own radio and draw its traffic.
 */
import { arrayOf, enumOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';

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
  /**
   * The sender's own address on the link this beacon goes out on, as the receiver sees it in the
   * frame's source (a Meshtastic node number is "!a1b2c3d4"). A receiver binds the address to
   * the node only when this equals the address the frame came from.
   */
  addr: optional(text(32)),
};

export type BeaconBody = RecordOf<typeof beaconFields>;

export function checkBeacon(body: BeaconBody): string | undefined {
  for (const r of body.reaches) {
    if ((r.to === 'node' || r.to === 'area') !== (r.value !== undefined))
      return `a beacon's ${r.to} target needs a value exactly when it is a node or an area`;
  }
  return undefined;
}

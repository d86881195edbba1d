/**
 * The satellite benchmark's physical floor (docs/store-and-forward.md §Satellite benchmark): from
 * the offered traffic alone, the fewest credits that carry every message up, each one sent within
 * its priority's configured bound (the SBD link's holds: P0 at once, P1 5 min, P2 30 min, P3 2 h),
 * plus the warnings coming down. No receipts, no mailbox checks, no failed sessions, no lost ring
 * alerts: a sky always in view and a mailbox that is read whenever something goes up.
 *
 * The schedule is earliest deadline first: nothing goes before the earliest unsent message's
 * deadline; then that message goes with every message already made that still fits the MO (by
 * deadline), in the shorter of the two batch containers (docs/wire-format.md §8, §8.1; the plain
 * one alone with `sharedFields` false). Sending later can only gather more, and a send never waits
 * past a deadline, so no schedule under the same bounds and the same containers sends fewer MO
 * messages; the credits are within one per MO of the least (each MO is rounded up to 50 bytes, and
 * this packer does not trade a whole MO against a rounding).
 */
import { packShared } from '../node/src/core/shared-sender.js';
import { iridiumCredits, MAX_MO_BYTES } from '../satellite/src/iridium-limits.js';
import type { Downlink, Priority, Uplink } from './satellite-scenario.js';

export interface Floor {
  credits: number;
  moCredits: number;
  mtCredits: number;
  moMessages: number;
}

/** The floor for `uplinks` with `boundMs[p]` of latency allowed per priority, and `warnings` down. */
export function floorCredits(
  uplinks: readonly Uplink[],
  warnings: readonly Downlink[],
  boundMs: readonly [number, number, number, number],
  sharedFields = true,
): Floor {
  const waiting = uplinks
    .map((u) => ({ u, deadline: u.at + boundMs[u.priority as Priority] }))
    .sort((a, b) => a.deadline - b.deadline || a.u.at - b.u.at);
  let moCredits = 0;
  let moMessages = 0;
  while (waiting.length > 0) {
    const now = (waiting[0] as (typeof waiting)[number]).deadline;
    const taken: number[] = [];
    let size = 0;
    for (let i = 0; i < waiting.length; i++) {
      const w = waiting[i] as (typeof waiting)[number];
      if (w.u.at > now) continue;
      const items = [...taken, i].map((j) => (waiting[j] as (typeof waiting)[number]).u);
      const bytes = packShared(items, { sharedFields }).length;
      if (bytes > MAX_MO_BYTES) continue;
      size = bytes;
      taken.push(i);
    }
    moCredits += iridiumCredits(size);
    moMessages++;
    for (const i of taken.reverse()) waiting.splice(i, 1);
  }
  const mtCredits = warnings.reduce((n, w) => n + iridiumCredits(w.payload.length), 0);
  return { credits: moCredits + mtCredits, moCredits, mtCredits, moMessages };
}

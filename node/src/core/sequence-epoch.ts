/**
 * Where a node's sequence numbers start when its store holds none (docs/security.md §A lost
 * store): an epoch from the time since the node was enrolled, taken from outside the data
 * directory whose loss it must survive (the kit key file says when the kit was enrolled).
 *
 * Each day since enrolment opens 1,024 numbers. A kit that lost its store on day d starts at
 * d × 1,024, above every number it used before as long as it sent no more than 1,024 messages a
 * day on average (beacons every five minutes take 288 of them). The figure keeps the reference
 * 初报 within one 50-byte credit: a sequence below 2²¹ is a 3-byte varint, which R1 (49 bytes with
 * a 2-byte sequence) can afford for 2,047 days after enrolment; re-enrolment starts again.
 */

/** Sequence numbers each day since enrolment opens. */
export const SEQUENCES_PER_DAY = 1024;

/**
 * The first sequence a node with no stored sequence may use, less one (the core stores the last
 * one used).
 * @param nowMs the node's time, unix ms.
 * @param enrolledS when the node was enrolled, unix seconds (00:00 UTC of that day).
 */
export function sequenceEpoch(nowMs: number, enrolledS: number): number {
  const days = Math.floor((nowMs / 1000 - enrolledS) / 86_400);
  return days > 0 ? days * SEQUENCES_PER_DAY : 0;
}

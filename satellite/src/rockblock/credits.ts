/**
 * RockBLOCK credit cost of one SBD message (docs/iridium.md §0 and §2.4 Credits / billing).
 *
 * One credit buys up to 50 bytes; longer messages cost one credit per started 50 bytes, and every
 * successful session costs at least one (a 0-byte mailbox check also costs one credit).
 * §2.4 marks the rounding [U]: it is inferred from users' reports (a 54-byte message "will consume
 * twice as much credit"), not from an official pricing page. Failed sessions are not billed, so
 * count credits only for sessions that succeeded.
 */

/** Bytes one RockBLOCK credit buys. */
export const ROCKBLOCK_CREDIT_BYTES = 50;

/**
 * Credits one message of `bytes` costs in one direction: `max(1, ceil(bytes / 50))`.
 *
 * @throws RangeError for a negative or non-integer byte count.
 */
export function rockblockCredits(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new RangeError(`bytes must be a non-negative integer, got ${bytes}`);
  }
  return Math.max(1, Math.ceil(bytes / ROCKBLOCK_CREDIT_BYTES));
}

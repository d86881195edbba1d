/**
 * What a send costs on a billed link (docs/links.md §Capabilities): every message costs
 * `max(minUnits, ceil(bytes / unitBytes))` units, e.g. RockBLOCK credits of 50 bytes with one
 * credit the least (docs/iridium.md §2.4).
 */
import type { LinkCapabilities } from '../link/link.js';

export type Billing = NonNullable<LinkCapabilities['billing']>;

/**
 * Units one message of `bytes` costs in one direction.
 * @throws RangeError for a negative or non-integer byte count.
 */
export function billedUnits(bytes: number, billing: Billing): number {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new RangeError(`bytes must be a non-negative integer, got ${bytes}`);
  }
  return Math.max(billing.minUnits, Math.ceil(bytes / billing.unitBytes));
}

/**
 * What a fake link declares when a test stands it in for a medium (docs/links.md §Capabilities):
 * the core decides from capabilities, so a fake link that plays the mesh declares a shared medium,
 * one that plays the satellite declares RockBLOCK's billing and, at the centre, the receipt holds
 * the centre's satellite links declare.
 */

import { SATELLITE_RECEIPT_HOLD_MS } from '../../satellite/src/satellite-confirmations.js';
import type { CostClass } from '../src/core/routing-table.js';
import type { LinkCapabilities } from '../src/link/link.js';

export function fakeCapabilitiesFor(
  costClass: CostClass,
  at: { centre: boolean },
): Partial<LinkCapabilities> {
  switch (costClass) {
    case 'ip':
      return {};
    case 'mesh':
      return { sharedMedium: true };
    case 'satellite':
      return {
        billing: { unitBytes: 50, minUnits: 1 },
        ...(at.centre ? { receiptHoldMs: SATELLITE_RECEIPT_HOLD_MS } : {}),
      };
  }
}

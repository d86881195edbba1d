/**
 * What an Iridium SBD link declares to the core (docs/iridium.md §1.4, §2.4; docs/links.md
 * §Capabilities): the message sizes of the 9602/9603 and the bill, for the kit's own modem and the
 * centre's RockBLOCK and DirectIP links.
 */
import type { LinkCapabilities } from '../../node/src/link/link.js';

/** Largest MO (mobile-originated) message, bytes. */
export const MAX_MO_BYTES = 340;

/** Largest MT (mobile-terminated) message, bytes. */
export const MAX_MT_BYTES = 270;

/**
 * RockBLOCK's bill: one credit per started 50 bytes, at least one per message (the rounding is
 * inferred from users' reports, docs/iridium.md §2.4). Failed sessions are not billed.
 */
export const IRIDIUM_BILLING = { unitBytes: 50, minUnits: 1 } as const;

/** Credits one SBD message of `bytes` costs in one direction (a mailbox check, 0 bytes: one). */
export function iridiumCredits(bytes: number): number {
  return Math.max(IRIDIUM_BILLING.minUnits, Math.ceil(bytes / IRIDIUM_BILLING.unitBytes));
}

/**
 * The capabilities of an Iridium link, from the side it is on: a kit's modem sends MO messages and
 * receives MT ones; the centre sends MT messages and receives MO ones, and holds its receipts.
 */
export function iridiumCapabilities(o: {
  side: 'kit' | 'centre';
  maxSendBytes: number;
  confirmationWaitMs: number;
  receiptHoldMs?: readonly [number, number, number, number];
}): LinkCapabilities {
  return {
    maxSendBytes: o.maxSendBytes,
    maxReceiveBytes: o.side === 'kit' ? MAX_MT_BYTES : MAX_MO_BYTES,
    billing: IRIDIUM_BILLING,
    minSendIntervalMs: 0,
    confirmationWaitMs: o.confirmationWaitMs,
    ...(o.receiptHoldMs === undefined ? {} : { receiptHoldMs: o.receiptHoldMs }),
    sharedMedium: false,
  };
}

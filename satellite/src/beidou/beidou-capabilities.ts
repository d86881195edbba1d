/**
 * What a BeiDou link declares to the core (docs/beidou.md §Capabilities; docs/links.md
 * §Capabilities): no bill; one message per card interval, so the core packs what is due into one
 * frame per send; a confirmation takes at least the centre's held receipt and a message back,
 * each waiting for an interval; receipts sent back over it share the card's messages.
 */
import type { LinkCapabilities } from '../../../node/src/link/link.js';
import type { BeidouProtocol } from './beidou-types.js';
import { BD3_REGIONAL_BITS, BD21_ENCRYPTED_BITS } from './card-capacity.js';

/** The largest message either protocol's cards send, bytes: what a link may receive. */
export const MAX_RECEIVE_BYTES: Readonly<Record<BeidouProtocol, number>> = {
  bd3: Math.floor(BD3_REGIONAL_BITS / 8),
  bd21: Math.floor((BD21_ENCRYPTED_BITS[4] as number) / 8) - 1,
};

export function beidouCapabilities(o: {
  /** The link's mtu. */
  mtu: number;
  /** The card's interval and the link's margin, ms (0 for a card without one). */
  spacingMs: number;
  /** The card's protocol, once read. */
  protocol?: BeidouProtocol;
  /** Configured instead of ten spacings (at least 2 min). */
  confirmationWaitMs?: number;
}): LinkCapabilities {
  const spacing = o.spacingMs;
  return {
    maxSendBytes: o.mtu,
    maxReceiveBytes: MAX_RECEIVE_BYTES[o.protocol ?? 'bd3'],
    minSendIntervalMs: spacing,
    confirmationWaitMs: o.confirmationWaitMs ?? Math.max(120_000, 10 * spacing),
    ...(spacing > 0 ? { receiptHoldMs: [spacing, 3 * spacing, 5 * spacing, 5 * spacing] as const } : {}),
    sharedMedium: false,
  };
}

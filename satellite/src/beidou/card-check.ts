/**
 * Whether a card read at start can serve a fieldnode link, and the mtu it gives (docs/beidou.md
 * §Message size): a card present, a level in the size table (or `messageBits` configured), at
 * least 72 bytes a message, and no less than a configured mtu. A problem is a sentence for the
 * operator, with the fix; the link stays down with it ('config-mismatch').
 */
import { type CardInfo, cardPresent } from './beidou-types.js';
import { type CapacityOptions, MIN_BEIDOU_MTU, payloadBytes } from './card-capacity.js';

export function checkCard(
  card: CardInfo,
  o: CapacityOptions & { mtu?: number },
  /** An mtu a card's refusal lowered it to before (beidou-link.ts), kept across starts. */
  probedMtu?: number,
): { mtu: number } | { problem: string } {
  if (!cardPresent(card))
    return { problem: 'the module has no card (its address reads all zeros): insert the card' };
  const bytes = payloadBytes(card, o);
  const what = `the card ${card.address} (level ${card.level}${card.encrypted ? ', encrypted' : ''})`;
  if (bytes === undefined)
    return {
      problem: `${what}: level ${card.level} is not in the message size table; set message_bits for this link`,
    };
  if (bytes < MIN_BEIDOU_MTU)
    return {
      problem:
        `${what} carries ${bytes} bytes a message; fieldnode needs at least ${MIN_BEIDOU_MTU} ` +
        '(the largest frame must fit 255 fragments: docs/links.md §The mtu of a satellite link)',
    };
  if (o.mtu !== undefined && o.mtu > bytes)
    return {
      problem: `${what} carries ${bytes} bytes a message, less than the configured mtu ${o.mtu}: lower it or leave it out`,
    };
  return { mtu: Math.min(o.mtu ?? bytes, probedMtu ?? bytes) };
}

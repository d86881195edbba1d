/**
 * How many bytes one short message carries, from the card (docs/beidou.md §Message size): the bits
 * a message of the card's level may hold, by protocol and encryption, less the mixed mode's marker
 * byte on BeiDou-2. The tables are the drivers' reading and are not settled; every one can be
 * replaced by configuration, and `messageBits` overrides them all for one card.
 */
import type { CardInfo } from './beidou-types.js';

/** Bits per message by level 1–4, BeiDou-2 civil (unencrypted) cards. */
export const BD21_CIVIL_BITS: Readonly<Record<number, number>> = { 1: 110, 2: 408, 3: 628, 4: 848 };
/** Bits per message by level 1–4, BeiDou-2 encrypted cards. */
export const BD21_ENCRYPTED_BITS: Readonly<Record<number, number>> = { 1: 140, 2: 360, 3: 580, 4: 1680 };
/**
 * BeiDou-3 regional: no per-level table was found; every level gets the service's largest
 * message, 14,000 bits (docs/beidou.md §Message size), and the link lowers its mtu when a card
 * refuses a large message without a reason (beidou-link.ts).
 */
export const BD3_REGIONAL_BITS = 14_000;

export interface CapacityOptions {
  /** Replaces the tables for this card: bits per message. */
  messageBits?: number;
  bd21CivilBits?: Readonly<Record<number, number>>;
  bd21EncryptedBits?: Readonly<Record<number, number>>;
  bd3Bits?: Readonly<Record<number, number>>;
}

/** Bits one message of this card holds, or undefined when its level is not in the table. */
export function messageBits(card: CardInfo, o: CapacityOptions = {}): number | undefined {
  if (o.messageBits !== undefined) return o.messageBits;
  if (card.protocol === 'bd3') return o.bd3Bits?.[card.level] ?? BD3_REGIONAL_BITS;
  const table = card.encrypted
    ? (o.bd21EncryptedBits ?? BD21_ENCRYPTED_BITS)
    : (o.bd21CivilBits ?? BD21_CIVIL_BITS);
  return table[card.level];
}

/**
 * Payload bytes one message carries: 8 bits a byte (how BeiDou-3's code mode counts hex digits on
 * the air is not settled: budgeted as bytes), less the `A4` marker of BeiDou-2's mixed mode.
 */
export function payloadBytes(card: CardInfo, o: CapacityOptions = {}): number | undefined {
  const bits = messageBits(card, o);
  if (bits === undefined) return undefined;
  return Math.max(0, Math.floor(bits / 8) - (card.protocol === 'bd21' ? 1 : 0));
}

/**
 * The least payload a fieldnode link may have: the largest frame (16,389 bytes) must go in at most
 * 255 fragments of 7 header bytes (docs/links.md §The mtu of a satellite link).
 */
export const MIN_BEIDOU_MTU = 72;

/**
 * A simulated BeiDou card (docs/beidou.md §The simulator): what the module reports of it
 * (`$BDICP`, `$BDICI`) and the limits the simulated module and network enforce with it: its
 * interval, the size of a message at its level, and whether it may send to a broadcast address.
 */
import type { BeidouProtocol, CardInfo } from '../../src/beidou/beidou-types.js';
import { messageBits } from '../../src/beidou/card-capacity.js';

export interface SimCard {
  /** The card's address; all zeros (or '') for a module without a card. */
  address: string;
  /** The broadcast (通播) group it receives, and may send to if it is a command card. */
  broadcast?: string;
  /** Level 1–5 (BeiDou-3 reports 5 as 0). */
  level: number;
  /** Service interval, seconds. */
  intervalS: number;
  /** Default false. */
  encrypted?: boolean;
  /** BeiDou-2 user characteristic: 0 command machine (指挥机), 1–7 users. Default 3. */
  userType?: number;
  /** May send to its broadcast address. Default: a command card (userType 0) may. */
  mayBroadcast?: boolean;
  /**
   * The most bits one message may hold, when the card's true limit is not its level's table entry
   * (a simulator that is wrong where cards are). Default the table (card-capacity.ts).
   */
  maxBits?: number;
}

/** The card as the driver reads it, for the limit tables. */
export function cardInfoOf(card: SimCard, protocol: BeidouProtocol): CardInfo {
  return {
    protocol,
    address: card.address,
    ...(card.broadcast === undefined ? {} : { broadcast: card.broadcast }),
    level: card.level,
    intervalS: card.intervalS,
    encrypted: card.encrypted ?? false,
    userType: card.userType ?? 3,
  };
}

/** The bits a message from this card may hold on the air. */
export function cardBits(card: SimCard, protocol: BeidouProtocol): number {
  return card.maxBits ?? messageBits(cardInfoOf(card, protocol)) ?? 0;
}

export function mayBroadcast(card: SimCard): boolean {
  return card.mayBroadcast ?? (card.userType ?? 3) === 0;
}

export function hasCard(card: SimCard | undefined): card is SimCard {
  return card !== undefined && /[1-9]/.test(card.address);
}

/** `$BDICP` fields for the card (the fields fieldnode does not read are plausible fill). */
export function icpFields(card: SimCard | undefined): string[] {
  if (!hasCard(card))
    return [
      '00000000',
      '0',
      '0',
      '0',
      '0',
      'N',
      '0',
      'N',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
    ];
  const level = card.level === 5 ? 0 : card.level;
  return [
    card.address,
    card.broadcast ?? '0',
    '1',
    '3',
    '0',
    card.encrypted ? 'Y' : 'N',
    String(card.userType ?? 1),
    'Y',
    '1',
    '0',
    '0',
    '3',
    '1',
    String(card.intervalS),
    String(level),
    '1',
    '1',
    '2',
    '2',
    '500',
    '100',
    '10',
    '10',
  ];
}

/** `$BDICI` fields for the card. */
export function iciFields(card: SimCard | undefined): string[] {
  if (!hasCard(card)) return ['0000000', '00000000', '0000000', '0', '0', '0', 'N', '0'];
  return [
    card.address,
    card.address.padStart(8, '0'),
    card.broadcast ?? '0000000',
    String(card.userType ?? 3),
    String(card.intervalS),
    String(card.level),
    card.encrypted ? 'E' : 'N',
    '0',
  ];
}

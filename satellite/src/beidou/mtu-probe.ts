/**
 * What the BeiDou link learns of a card's true message size (docs/beidou.md §Message size): no
 * per-level size table was found for BeiDou-3, so every level is given the service's largest
 * message, and a card that carries less says so only by refusing larger messages without a
 * reason. The probe lowers the mtu on that evidence, carefully:
 *
 * - only on BeiDou-3: BeiDou-2's sizes come from the drivers' table, and a refusal there is not
 *   taken as a size (a wrong table entry is fixed with `message_bits`);
 * - only after `probeAfter` such refusals in a row, each of a message larger than any that went:
 *   one refusal may have another cause the module did not name, and each lowering costs the core a
 *   repack and the card an interval;
 * - never below the largest message that went, nor below 72 bytes; by halves, the size not settled;
 * - what was learnt belongs to one card: when the card read (at a start, or again after a module
 *   fell silent) is not the one it was learnt on, it is forgotten, since another card may have been
 *   inserted.
 *
 * Pure bookkeeping: the link tells it what went and what was refused, and sets the mtu it returns.
 */
import type { CardInfo } from './beidou-types.js';
import { MIN_BEIDOU_MTU } from './card-capacity.js';

export interface MtuProbeOptions {
  /**
   * Unexplained refusals in a row, each of a message larger than any that went, before the mtu is
   * lowered. Default 2.
   */
  probeAfter?: number;
}

/** The card a lesson belongs to: its address, protocol, level and encryption as read. */
function cardKey(card: CardInfo): string {
  return `${card.protocol}:${card.address}:${card.level}:${card.encrypted ? 'E' : 'N'}`;
}

export class MtuProbe {
  readonly #probeAfter: number;
  #card: string | undefined;
  #protocol: CardInfo['protocol'] | undefined;
  /** The largest message this card sent. */
  #largestSent = 0;
  /** Unexplained refusals in a row of messages larger than any that went. */
  #refusals = 0;
  #learnt: number | undefined;

  constructor(o: MtuProbeOptions = {}) {
    const after = o.probeAfter ?? 2;
    if (!(Number.isSafeInteger(after) && after >= 1))
      throw new RangeError(`probeAfter must be ≥ 1, got ${after}`);
    this.#probeAfter = after;
  }

  /** The mtu learnt for the card read last, if a refusal lowered it. */
  get learntMtu(): number | undefined {
    return this.#learnt;
  }

  /** The card was read: what was learnt of another card is forgotten. */
  cardRead(card: CardInfo): void {
    const key = cardKey(card);
    this.#protocol = card.protocol;
    if (key === this.#card) return;
    this.#card = key;
    this.#largestSent = 0;
    this.#refusals = 0;
    this.#learnt = undefined;
  }

  /** A message of `size` bytes left the antenna. */
  sent(size: number): void {
    this.#largestSent = Math.max(this.#largestSent, size);
    this.#refusals = 0;
  }

  /**
   * A message of `size` bytes was refused without a reason while the mtu was `mtu`. Returns the
   * lowered mtu when this refusal completes the evidence, else undefined.
   */
  refused(size: number, mtu: number): number | undefined {
    if (this.#protocol !== 'bd3') return undefined;
    if (size <= this.#largestSent || size <= MIN_BEIDOU_MTU) {
      // Not a size refusal: something of this size went before.
      this.#refusals = 0;
      return undefined;
    }
    this.#refusals++;
    if (this.#refusals < this.#probeAfter) return undefined;
    this.#refusals = 0;
    const lowered = Math.max(MIN_BEIDOU_MTU, this.#largestSent, Math.floor(size / 2));
    if (lowered >= mtu) return undefined;
    this.#learnt = lowered;
    return lowered;
  }
}

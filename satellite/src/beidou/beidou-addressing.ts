/**
 * Where a BeiDou link's send goes (docs/beidou.md §Addressing and the broadcast): `to` is a card
 * address. Without it, a kit's link sends to the centre's card; the centre's link sends once, to
 * its card's broadcast (通播) address, where the card has one and `broadcast` is on, since thirty
 * kits at one message a minute would otherwise take half an hour; only without one does it send
 * card by card, one message per configured card, an interval apart. A broadcast the card may not
 * send (权限不足) is not tried again: from then on the link falls back to the cards.
 */
import { show } from '../../../node/src/base/errors.js';
import type { Logger } from '../../../node/src/base/logger.js';
import type { SendOptions, SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import { combined } from './link-helpers.js';
import { ADDRESS } from './sentence-fields.js';

export interface CardAddressingOptions {
  log: Logger;
  /** A kit's link: the centre's card. */
  centreCard?: string;
  /** The centre's link: the kits' cards. */
  cards?: readonly string[];
  /** Use the card's broadcast address for a send without `to`. Default true. */
  broadcast?: boolean;
  /** The card's broadcast address as read, if it has one. */
  broadcastAddress(): string | undefined;
  /** Sends one message to one address (send-scheduler.ts), with the module's answer's kind. */
  enqueue(
    dest: string,
    frame: Uint8Array,
    opts: SendOptions,
  ): Promise<{ outcome: SendOutcome; verdict?: string }>;
}

export class CardAddressing {
  readonly #o: CardAddressingOptions;
  /** Frames being sent card by card. */
  #fanOuts = 0;
  #broadcastRefused = false;

  constructor(o: CardAddressingOptions) {
    this.#o = o;
  }

  /** Whether a frame is going card by card (then nothing is taken back: see BeidouLink.takesBack). */
  get fanningOut(): boolean {
    return this.#fanOuts > 0;
  }

  async send(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    const o = this.#o;
    if (opts.to !== undefined) {
      if (!ADDRESS.test(opts.to))
        return failed('never', 'DEVICE_ERROR', `${show(opts.to)} is not a card address`);
      return (await o.enqueue(opts.to, frame, opts)).outcome;
    }
    if (o.centreCard !== undefined) return (await o.enqueue(o.centreCard, frame, opts)).outcome;
    const cards = o.cards ?? [];
    const broadcast = o.broadcastAddress();
    if (broadcast !== undefined && (o.broadcast ?? true) && !this.#broadcastRefused) {
      const r = await o.enqueue(broadcast, frame, opts);
      if (r.verdict !== 'no-permission' || cards.length === 0) return r.outcome;
      this.#broadcastRefused = true;
      o.log.warn(
        { broadcast },
        'the card may not send to its broadcast address (权限不足); sending to each card instead',
      );
    }
    if (cards.length === 0)
      return failed(
        'never',
        'NO_SERVICE',
        'no card to send to: no `to`, no centre card, no broadcast address, no cards',
      );
    // One copy per card, an interval apart. Nothing is taken back meanwhile: once a copy has gone
    // the frame is no longer untouched, and the rest refused BUSY would make the core send it again
    // from the first card.
    this.#fanOuts++;
    try {
      const results = await Promise.all(cards.map((card) => o.enqueue(card, frame, opts)));
      return combined(results.map((r) => r.outcome));
    } finally {
      this.#fanOuts--;
    }
  }
}

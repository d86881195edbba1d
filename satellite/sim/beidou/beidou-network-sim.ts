/**
 * The simulated BeiDou short-message network (docs/beidou.md §The simulator): delivers each message
 * that left a simulated module's antenna to the card it is addressed to, or, addressed to a
 * broadcast (通播) group, to every card of that group but the sender, after a delay and with an
 * optional loss, on the simulation's clock. A message to an address no module holds is lost, as on
 * the real service (the sender's module said `Y` all the same).
 *
 * Every transmission is a `sent` event and every delivery a `delivered` event, for tests and the
 * benchmark to count.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';

/** One message on the air. */
export interface BeidouTransmission {
  /** The sending card. */
  from: string;
  /** The address it was sent to: a card, or a broadcast group. */
  to: string;
  /** The payload bytes (after the mixed mode's marker). */
  bytes: Uint8Array;
  /** When it left the antenna, clock ms. */
  at: number;
  /** Whether `to` is a broadcast group. */
  broadcast: boolean;
}

/** A receiving card on the network: a simulated module. */
export interface NetworkCard {
  readonly address: string;
  readonly broadcast: string | undefined;
  /** Hands a message to the module, which writes it to its host. */
  receive(t: BeidouTransmission): void;
}

export interface BeidouNetworkSimOptions {
  clock: Clock;
  /** Delivery delay, ms, drawn evenly between the two. Default [1_000, 5_000]. */
  deliveryDelayMs?: readonly [number, number];
  /** Chance a message is lost on the way (regional service: about 0.004). Default 0. */
  loss?: number;
  /** Default 1. */
  seed?: number;
}

export interface BeidouNetworkEvents {
  sent: [BeidouTransmission];
  delivered: [BeidouTransmission & { receiver: string; deliveredAt: number }];
  lost: [BeidouTransmission];
}

export class BeidouNetworkSim extends EventEmitter<BeidouNetworkEvents> {
  readonly #o: BeidouNetworkSimOptions;
  readonly #random: () => number;
  readonly #cards = new Set<NetworkCard>();
  #closed = false;

  constructor(options: BeidouNetworkSimOptions) {
    super();
    this.#o = options;
    this.#random = seededRandom(options.seed ?? 1);
  }

  get clock(): Clock {
    return this.#o.clock;
  }

  join(card: NetworkCard): () => void {
    this.#cards.add(card);
    return () => this.#cards.delete(card);
  }

  /** Whether `address` is some card's broadcast group and no card's own address. */
  isBroadcast(address: string): boolean {
    const cards = [...this.#cards];
    return !cards.some((c) => c.address === address) && cards.some((c) => c.broadcast === address);
  }

  /** A message left `from`'s antenna. */
  transmit(t: BeidouTransmission): void {
    if (this.#closed) return;
    this.emit('sent', t);
    const receivers = [...this.#cards].filter((c) =>
      t.broadcast ? c.broadcast === t.to && c.address !== t.from : c.address === t.to,
    );
    const [lo, hi] = this.#o.deliveryDelayMs ?? [1_000, 5_000];
    for (const card of receivers) {
      if (this.#random() < (this.#o.loss ?? 0)) {
        this.emit('lost', t);
        continue;
      }
      const delay = lo + this.#random() * (hi - lo);
      this.#o.clock.after(delay, () => {
        if (this.#closed || !this.#cards.has(card)) return;
        card.receive(t);
        this.emit('delivered', { ...t, receiver: card.address, deliveredAt: this.#o.clock.now() });
      });
    }
  }

  close(): void {
    this.#closed = true;
    this.#cards.clear();
  }
}

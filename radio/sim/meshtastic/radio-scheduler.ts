/**
 * When a simulated device's radio takes the next packet from its TX queue and puts it on air
 * (docs/meshtastic.md §4.3 "Contention", §5.1 "Delay before rebroadcasting"), after the
 * firmware's single transmit timer (`startTransmitTimer`):
 * - a packet of ours queued while the radio is idle, and the next packet after a transmission,
 *   wait a random contention delay, random(0, 2^CW)·slotTime; a wait already running is kept;
 * - a relayed packet carries its own SNR-weighted delay (`notBefore`) and is not sent before it;
 * - when the wait is over and the radio hears someone else on the channel (the firmware's
 *   "channel active / actively receiving" check), it waits a fresh contention delay;
 * - otherwise the highest-priority packet that is ready goes out, so an ALERT queued behind
 *   ordinary packets is sent first.
 * One transmission at a time.
 */

import type { Clock, Timer } from '../../../node/src/link/clock.js';
import type { RadioPort } from './rf-medium.js';
import type { TxQueue, TxQueueEntry } from './tx-queue.js';

export interface RadioSchedulerOptions<T extends TxQueueEntry & { bytes: Uint8Array }> {
  clock: Clock;
  port: RadioPort;
  queue: TxQueue<T>;
  /** The random wait after finding the channel busy, ms. */
  backoffMs: () => number;
  /** Told of each packet as it goes on air. */
  onTransmit: (item: T, airtimeMs: number) => void;
}

export class RadioScheduler<T extends TxQueueEntry & { bytes: Uint8Array }> {
  readonly #o: RadioSchedulerOptions<T>;
  #timer: Timer | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** Nothing is sent before this (a busy-channel backoff in progress). */
  #holdUntil = Number.NEGATIVE_INFINITY;

  constructor(opts: RadioSchedulerOptions<T>) {
    this.#o = opts;
  }

  /**
   * A packet was queued. `contend`: it is one of ours (or an ACK we make), which starts a
   * contention delay if the radio is idle and none is running; a relay brings its own delay.
   */
  queued(contend: boolean): void {
    const now = this.#o.clock.now();
    if (contend && !this.#o.port.isTransmitting() && this.#holdUntil <= now) {
      this.#holdUntil = now + this.#o.backoffMs();
    }
    this.#wake();
  }

  /** The radio finished a transmission: the next one waits a contention delay. */
  transmitDone(): void {
    this.#holdUntil = this.#o.clock.now() + this.#o.backoffMs();
    this.#wake();
  }

  #wake(): void {
    const next = this.#o.queue.nextReadyAt();
    if (next === undefined) return;
    this.#schedule(Math.max(this.#o.clock.now(), this.#holdUntil, next));
  }

  /** A reboot: forget the pending wake-up and any backoff. */
  clear(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#holdUntil = Number.NEGATIVE_INFINITY;
  }

  #schedule(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    // Always through the clock, never synchronously: a caller finishes its own work first.
    this.#timer = this.#o.clock.after(at - this.#o.clock.now(), () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#run();
    });
  }

  #run(): void {
    const { clock, port, queue } = this.#o;
    if (port.isTransmitting()) return;
    const next = queue.nextReadyAt();
    if (next === undefined) return;
    const now = clock.now();
    const at = Math.max(next, this.#holdUntil);
    if (at > now) {
      this.#schedule(at);
      return;
    }
    if (port.isChannelBusy()) {
      this.#holdUntil = now + Math.max(1, this.#o.backoffMs());
      this.#schedule(this.#holdUntil);
      return;
    }
    const item = queue.takeReady(now);
    if (item === undefined) return;
    const airtime = port.transmit(item.bytes);
    this.#o.onTransmit(item, airtime);
  }
}

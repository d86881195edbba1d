/**
 * A simulation clock for a simulated mesh that real hosts talk to (docs/meshtastic.md §8.8 item 5,
 * "Timing model"; docs/links.md §The Meshtastic simulator): virtual time that keeps pace with wall
 * time, `speedup` times faster. It is the one Clock of node/src/link/clock.ts.
 *
 * Why not `RealClock` with a speedup (node/src/link/clock.ts): it turns every simulated delay into
 * a wall-time setTimeout, and Node's timers fire at best to the millisecond and late under load.
 * At a speedup of 50 one wall millisecond is 50 ms on air, longer than the 20 ms in which LoRa
 * carrier sense tells two LONG_FAST transmitters apart (2.5 symbols), so radios whose contention
 * delays differed by one slot would start together and collide, and the medium would model the
 * event loop instead of the radio.
 *
 * Here the mesh runs on a `VirtualClock`, advanced every `tickMs` of wall time by the wall time
 * that passed times `speedup`. Within an advance, timers fire in exact simulated order at exact
 * simulated times, however late the event loop was: the radios' contention, collisions and
 * retransmissions stay as the model says. Only the hosts' view is coarse: what a host writes
 * reaches the device at the current simulated time, which moves in steps of about
 * `tickMs × speedup`.
 */
import { performance } from 'node:perf_hooks';
import { type Clock, type Timer, VirtualClock } from '../../../node/src/link/clock.js';

export class PacedClock implements Clock {
  readonly speedup: number;
  readonly #virtual = new VirtualClock();
  readonly #interval: NodeJS.Timeout;
  #wallAt = performance.now();

  /** `speedup` 50: a simulated second passes in 20 ms of wall time. */
  constructor(speedup: number, tickMs = 1) {
    if (!(speedup > 0)) throw new RangeError(`speedup must be positive, not ${speedup}`);
    if (!(tickMs >= 1)) throw new RangeError(`tickMs must be at least 1, not ${tickMs}`);
    this.speedup = speedup;
    this.#interval = setInterval(() => this.#tick(), tickMs);
    // The clock alone keeps no process alive: hosts and tests decide when a run is over.
    this.#interval.unref();
  }

  now(): number {
    return this.#virtual.now();
  }

  after(ms: number, fn: () => void): Timer {
    return this.#virtual.after(ms, fn);
  }

  /** Stops the clock: no timer fires after this. */
  stop(): void {
    clearInterval(this.#interval);
  }

  #tick(): void {
    const wall = performance.now();
    const elapsed = wall - this.#wallAt;
    this.#wallAt = wall;
    this.#virtual.advance(elapsed * this.speedup);
  }
}

/**
 * Fault injection for the simulated 9603 (docs/iridium.md §7.4 checklist item 8): sessions
 * that fail with MO 32/35/18/13/36/38 or hang, SBDWB payloads that lose bytes on the line (→ result
 * 1 after the modem's 60 s), lost ring alerts, slow +CSQ (2–20 s). Power-up silence is a modem
 * method (IridiumModemSim.powerCycle) and option.
 *
 * Scripted faults apply to the next occurrences, in order; random faults apply after the script is
 * used up, from a seeded generator so that a run can be repeated.
 */

/** How a session ends when a fault decides it: a MO status, or no answer at all. */
export type SessionFault = number | 'hang';

export interface RandomFaultOptions {
  /** Chance that a session with a satellite in view fails anyway. Default 0. */
  sessionFailure?: number;
  /** The MO statuses such a failure picks from. Default 13, 18, 32, 35, 36, 38. */
  sessionFailureStatuses?: readonly number[];
  /** Chance that a session hangs (no +SBDIX until the hang time or AT+SBDST ends it). Default 0. */
  sessionHang?: number;
  /** Chance that an SBDWB payload loses a byte on the line. Default 0. */
  sbdwbPartial?: number;
  /** Chance that a ring alert is not heard. Default 0. */
  ringLoss?: number;
  /** Chance that +CSQ takes 2–20 s rather than the usual latency. Default 0. */
  slowCsq?: number;
}

export class ModemFaults {
  readonly #random: () => number;
  readonly #o: Required<RandomFaultOptions>;
  readonly #sessions: SessionFault[] = [];
  readonly #sbdwbDrops: number[] = [];
  #ringLosses = 0;
  readonly #csqDelays: number[] = [];

  constructor(random: () => number, options: RandomFaultOptions = {}) {
    this.#random = random;
    this.#o = {
      sessionFailure: options.sessionFailure ?? 0,
      sessionFailureStatuses: options.sessionFailureStatuses ?? [13, 18, 32, 35, 36, 38],
      sessionHang: options.sessionHang ?? 0,
      sbdwbPartial: options.sbdwbPartial ?? 0,
      ringLoss: options.ringLoss ?? 0,
      slowCsq: options.slowCsq ?? 0,
    };
  }

  /** The next sessions end like this, in order: a MO status (e.g. 32, 35, 18, 13, 36, 38) or 'hang'. */
  failNextSessions(...outcomes: SessionFault[]): this {
    for (const o of outcomes) {
      if (o !== 'hang' && (!Number.isInteger(o) || o < 5 || o > 255)) {
        throw new RangeError(`a failed session has MO status 5–255, not ${o}`);
      }
    }
    this.#sessions.push(...outcomes);
    return this;
  }

  /** The next `count` SBDWB payloads lose their first `bytes` bytes on the line. */
  dropSbdwbBytes(bytes = 1, count = 1): this {
    for (let i = 0; i < count; i++) this.#sbdwbDrops.push(bytes);
    return this;
  }

  /** The next `count` ring alerts are not heard. */
  loseNextRings(count = 1): this {
    this.#ringLosses += count;
    return this;
  }

  /** The next +CSQ answers take these many simulated ms. */
  delayNextCsq(...ms: number[]): this {
    this.#csqDelays.push(...ms);
    return this;
  }

  /** For the modem: how the next session ends, if a fault decides it. */
  takeSession(): SessionFault | undefined {
    const scripted = this.#sessions.shift();
    if (scripted !== undefined) return scripted;
    if (this.#o.sessionHang > 0 && this.#random() < this.#o.sessionHang) return 'hang';
    if (this.#o.sessionFailure > 0 && this.#random() < this.#o.sessionFailure) {
      const list = this.#o.sessionFailureStatuses;
      return list[Math.floor(this.#random() * list.length)];
    }
    return undefined;
  }

  /** For the modem: bytes the next SBDWB payload loses (0 for none). */
  takeSbdwbDrop(): number {
    const scripted = this.#sbdwbDrops.shift();
    if (scripted !== undefined) return scripted;
    return this.#o.sbdwbPartial > 0 && this.#random() < this.#o.sbdwbPartial ? 1 : 0;
  }

  /** For the modem: whether the ring alert now arriving is lost. */
  takeRingLoss(): boolean {
    if (this.#ringLosses > 0) {
      this.#ringLosses--;
      return true;
    }
    return this.#o.ringLoss > 0 && this.#random() < this.#o.ringLoss;
  }

  /** For the modem: a +CSQ delay the fault decides, or undefined for the usual latency. */
  takeCsqDelay(): number | undefined {
    const scripted = this.#csqDelays.shift();
    if (scripted !== undefined) return scripted;
    if (this.#o.slowCsq > 0 && this.#random() < this.#o.slowCsq) return 2_000 + this.#random() * 18_000;
    return undefined;
  }
}

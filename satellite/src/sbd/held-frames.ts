/**
 * The sends an SbdLink has taken and not yet answered (docs/iridium.md §7.1–§7.3): who waits on
 * each pending MO and how it is answered. An MO is answered once: when a session carrying it ends
 * (§7.1), when it is handed back because the link goes down or stops, when its send is aborted
 * before a session took it, or when the scheduler gives up on it (no service for `giveUpMs`).
 */
import type { SendOutcome } from '../../../node/src/link/link.js';
import type { SessionScheduler } from './session-scheduler.js';

export interface HeldFrame {
  resolve: (o: SendOutcome) => void;
  cleanup: () => void;
}

export class HeldFrames {
  readonly #pending = new Map<number, HeldFrame>();
  readonly #scheduler: SessionScheduler;

  /** `scheduler` holds the MOs these sends wait on. */
  constructor(scheduler: SessionScheduler) {
    this.#scheduler = scheduler;
  }

  get size(): number {
    return this.#pending.size;
  }

  add(id: number, frame: HeldFrame): void {
    this.#pending.set(id, frame);
  }

  settle(id: number, outcome: SendOutcome): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    p.cleanup();
    p.resolve(outcome);
  }

  /** Settles every pending MO but `carrying`, the one a session has under way (it settles that). */
  handBack(outcome: SendOutcome, carrying?: number): void {
    for (const mo of [...this.#scheduler.pending]) {
      if (mo.id === carrying) continue;
      this.#scheduler.release(mo.id);
      this.settle(mo.id, outcome);
    }
  }
}

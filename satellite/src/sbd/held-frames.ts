/**
 * The frames an SbdLink holds for send() (protocols/iridium.md §7.1–§7.3): who is waiting on each
 * held unit, how many bytes it is, and how it is answered. A frame is answered once: when a session
 * carrying it ends (§7.1), when it is handed back because the link goes down or stops, or when the
 * scheduler drops it (budget, no service for `giveUpMs`, §7.2–§7.3). Also the MO a session carries.
 */
import type { SendOutcome } from '../../../node/src/link/link.js';
import { packMo } from './mo-frames.js';
import type { HeldUnit } from './mo-plan.js';
import type { SessionScheduler } from './session-scheduler.js';

export interface HeldFrame {
  resolve: (o: SendOutcome) => void;
  bytes: number;
  unit: HeldUnit;
  cleanup: () => void;
}

export class HeldFrames {
  readonly #pending = new Map<number, HeldFrame>();
  readonly #scheduler: SessionScheduler;

  /** `scheduler` holds the units these frames travel in. */
  constructor(scheduler: SessionScheduler) {
    this.#scheduler = scheduler;
  }

  get size(): number {
    return this.#pending.size;
  }

  add(id: number, frame: HeldFrame): void {
    this.#pending.set(id, frame);
  }

  /** The bytes of a frame still waiting, or undefined once it has been answered. */
  bytes(id: number): number | undefined {
    return this.#pending.get(id)?.bytes;
  }

  settle(id: number, outcome: SendOutcome): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    p.cleanup();
    p.resolve(outcome);
  }

  /** Settles every held frame that no session is carrying right now. */
  handBack(outcome: SendOutcome): void {
    for (const unit of [...this.#scheduler.held]) {
      this.#scheduler.release(unit.id);
      this.settle(unit.id, outcome);
    }
  }
}

export function fail(
  retry: 'later' | 'never',
  code: Extract<SendOutcome, { ok: false }>['code'],
  detail: string,
) {
  return { ok: false, retry, code, detail } as const satisfies SendOutcome;
}

/** The MO for these units: the opaque frame alone, or every entry in one container. */
export function moOf(units: readonly HeldUnit[]): Uint8Array {
  const first = units[0] as HeldUnit;
  if (first.opaque) return first.entries[0] as Uint8Array;
  return packMo(units.flatMap((u) => u.entries));
}

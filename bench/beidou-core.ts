/**
 * One end's core in the BeiDou benchmark (docs/beidou.md §The link's scheduler;
 * docs/store-and-forward.md §Satellite): what the core's dispatcher does for a link that declares a
 * minimum interval between sends and no bill (node/src/core/shared-sender.ts), on the virtual clock
 * and without a store. What is due waits in memory; the core's own planner
 * (node/src/core/shared-message-plan.ts, no holds: a BeiDou link is configured with none) decides
 * what goes now in one frame, most urgent first; the core's codec packs it (packShared) or, for a
 * message larger than the link's mtu, cuts it into fragments sent one after another; one frame in
 * flight per next hop, never sooner after the last than the link's `minSendIntervalMs`; a frame
 * the link may take back (TakesBack) is taken back and packed again when something new is due.
 * A failed send makes its messages due again a minute later, as the store would after a backoff.
 * Each frame it hands over is recorded with how many messages were due on its hop and how many it
 * carried, so the benchmark can say whether what was due was packed (docs/beidou.md §Measured).
 */
import { NO_HOLDS, planSharedMessage, type ShareCandidate } from '../node/src/core/shared-message-plan.js';
import { packShared } from '../node/src/core/shared-sender.js';
import type { Clock, Timer } from '../node/src/link/clock.js';
import { type Link, type SendOutcome, takesBack } from '../node/src/link/link.js';
import { fragmentFrame } from '../node/src/wire/fragment.js';
import type { Priority } from './satellite-scenario.js';

const MIN = 60_000;

/** One frame handed to the link (a fragmented message counts once). */
export interface HandedFrame {
  /** Messages due on the hop when it was made. */
  due: number;
  /** Messages it carries. */
  packed: number;
  /** Whether every message due would have fitted in one message of the link's mtu. */
  allFit: boolean;
}

interface Waiting {
  id: string;
  frame: Uint8Array;
  priority: Priority;
  /** The next hop on the link ('' for none: the link's default). */
  hop: string;
  dueAt: number;
}

export class IntervalBenchCore {
  readonly #link: Link;
  readonly #clock: Clock;
  readonly #waiting: Waiting[] = [];
  readonly #inFlight = new Map<string, { ids: string[]; abort: AbortController }>();
  #lastSharedAt = Number.NEGATIVE_INFINITY;
  #timer: Timer | undefined;
  #nextId = 1;
  /** Frames handed to the link, fragments counted one each. */
  handed = 0;
  /** Sends the link refused (a failed outcome that was not a take-back). */
  failures = 0;
  /** Every frame handed over, in order. */
  readonly frames: HandedFrame[] = [];

  constructor(link: Link, clock: Clock) {
    this.#link = link;
    this.#clock = clock;
  }

  /** Messages waiting or in flight. */
  get pending(): number {
    let n = this.#waiting.length;
    for (const f of this.#inFlight.values()) n += f.ids.length;
    return n;
  }

  /** A message made now, due on the link at once, to `hop` ('' for the link's default). */
  submit(frame: Uint8Array, priority: Priority, hop = ''): void {
    this.#waiting.push({ id: String(this.#nextId++), frame, priority, hop, dueAt: this.#clock.now() });
    this.#look();
  }

  #look(): void {
    const link = this.#link;
    const now = this.#clock.now();
    const spacing = link.capabilities.minSendIntervalMs;
    let wakeAt = Math.min(
      Number.POSITIVE_INFINITY,
      ...this.#waiting.filter((w) => w.dueAt > now).map((w) => w.dueAt),
    );
    const hops = new Set(this.#waiting.map((w) => w.hop));
    for (const hop of hops) {
      const due = this.#waiting.filter((w) => w.hop === hop && w.dueAt <= now);
      const candidates: ShareCandidate[] = due.map((w) => ({
        id: w.id,
        bytes: w.frame.length,
        priority: w.priority,
        holdStart: Number.NEGATIVE_INFINITY,
      }));
      const plan = planSharedMessage({ candidates, now, policy: { holdMs: NO_HOLDS, maxBytes: link.mtu } });
      const chosen = plan.alone ? [plan.alone] : plan.send;
      if (chosen.length === 0) continue;
      const inFlight = this.#inFlight.get(hop);
      if (inFlight) {
        if (takesBack(link)) inFlight.abort.abort();
        continue;
      }
      const nextSendAt = this.#lastSharedAt + spacing;
      if (spacing > 0 && now < nextSendAt) {
        wakeAt = Math.min(wakeAt, nextSendAt);
        continue;
      }
      const items = chosen.map((c) => due.find((w) => w.id === c.id) as Waiting);
      this.frames.push({
        due: due.length,
        packed: items.length,
        allFit:
          due.length === 1 ||
          packShared(due.map((w) => ({ frame: w.frame, priority: w.priority }))).length <= link.mtu,
      });
      this.#start(hop, items, plan.alone !== undefined);
    }
    this.#timer?.cancel();
    if (Number.isFinite(wakeAt)) this.#timer = this.#clock.after(wakeAt - now, () => this.#look());
  }

  #start(hop: string, items: Waiting[], alone: boolean): void {
    const link = this.#link;
    this.#lastSharedAt = this.#clock.now();
    for (const w of items) this.#waiting.splice(this.#waiting.indexOf(w), 1);
    const abort = new AbortController();
    this.#inFlight.set(hop, { ids: items.map((w) => w.id), abort });
    const first = items[0] as Waiting;
    const frames = alone
      ? fragmentFrame(first.frame, link.mtu)
      : [packShared(items.map((w) => ({ frame: w.frame, priority: w.priority })))];
    const priority = Math.min(...items.map((w) => w.priority)) as Priority;
    const send = async (): Promise<{ outcome: SendOutcome; bytes: number }> => {
      let outcome: SendOutcome = { ok: true };
      let bytes = 0;
      for (const frame of frames) {
        this.handed++;
        outcome = await link.send(frame, {
          priority,
          ...(takesBack(link) ? { signal: abort.signal } : {}),
          ...(hop === '' ? {} : { to: hop }),
        });
        if (!outcome.ok) break;
        bytes += frame.length;
      }
      return { outcome, bytes };
    };
    void send()
      .then(({ outcome, bytes }) => {
        const at = this.#clock.now();
        if (outcome.ok) return;
        if (outcome.code === 'BUSY' && abort.signal.aborted && bytes === 0) {
          this.#waiting.push(...items); // taken back: packed again at once
          return;
        }
        this.failures++;
        for (const w of items) this.#waiting.push({ ...w, dueAt: at + MIN });
      })
      .catch(() => {
        // As the dispatcher: the entries stay and are due again in a while.
        for (const w of items) this.#waiting.push({ ...w, dueAt: this.#clock.now() + MIN });
      })
      .finally(() => {
        this.#inFlight.delete(hop);
        this.#look();
      });
  }
}

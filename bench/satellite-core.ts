/**
 * A model of the gateway's side of the satellite benchmark's fieldnode run
 * (docs/store-and-forward.md §Satellite benchmark), kept as a fast cross-check of the real gateway node
 * (satellite-gateway-node.ts; bench/satellite-bench.test.ts compares them): what the core's
 * dispatcher does for a link that declares `billing`, on the virtual clock and without a store. Every message waits in memory; the core's own planner
 * (node/src/core/shared-message-plan.ts) decides which go now in one frame and when to look
 * again, the core's codec packs them (packShared, in a shared-field batch: the centre reads it),
 * the core's budget (billing-budget.ts) is checked before a send and counts what the link took and
 * what it spent besides (mailbox checks, MT messages).
 * One frame is in flight at a time; when more must go now, the frame that waits is taken back and
 * packed again, as the dispatcher does. A failed send makes its messages due again a minute later
 * (as the store would after a backoff), their holds over.
 */
import { billedUnits } from '../node/src/core/billing.js';
import { BillingBudget } from '../node/src/core/billing-budget.js';
import { newMeta } from '../node/src/core/new-meta.js';
import {
  DEFAULT_SHARED_HOLD_MS,
  planSharedMessage,
  type ShareCandidate,
} from '../node/src/core/shared-message-plan.js';
import { awaitsReply, packShared } from '../node/src/core/shared-sender.js';
import type { Clock, Timer } from '../node/src/link/clock.js';
import type { ExtraBilling, Link, SendOpportunities } from '../node/src/link/link.js';
import { decodeFrame } from '../node/src/wire/message.js';
import type { Priority, Uplink } from './satellite-scenario.js';

const MIN = 60_000;

interface Waiting {
  id: string;
  uplink: Uplink;
  /** Clock ms when it was made (for the latency). */
  madeAt: number;
  /** When it first became due on the link; -Infinity once its hold is over for good. */
  holdStart: number;
  /** When it is due (again): after a failed send, a minute later. */
  dueAt: number;
  awaitsReply: boolean;
}

export class BenchCore {
  readonly budget = new BillingBudget();
  readonly #link: Link & ExtraBilling & SendOpportunities;
  readonly #clock: Clock;
  readonly #delivered: (u: Uplink, latencyMs: number) => void;
  readonly #waiting: Waiting[] = [];
  #inFlight: { items: Waiting[]; abort: AbortController } | undefined;
  #timer: Timer | undefined;
  #nextId = 1;

  constructor(
    link: Link & ExtraBilling & SendOpportunities,
    clock: Clock,
    delivered: (u: Uplink, latencyMs: number) => void,
  ) {
    this.#link = link;
    this.#clock = clock;
    this.#delivered = delivered;
    link.onExtraUnits((units) => this.budget.spend(units, clock.now()));
    link.onSendOpportunity(async () => this.#look(true));
  }

  /** A message made now, due on the link at once. */
  submit(uplink: Uplink): void {
    const now = this.#clock.now();
    const env = decodeFrame(uplink.frame).envelope;
    const meta = newMeta(
      { ...env, kindCode: env.kindCode },
      { local: false, forMe: false, receipt: false, broadcastRepeats: 1 },
    );
    this.#waiting.push({
      id: String(this.#nextId++),
      uplink,
      madeAt: now,
      holdStart: now,
      dueAt: now,
      awaitsReply: awaitsReply(meta),
    });
    this.#look(false);
  }

  #look(anyway: boolean): void {
    const now = this.#clock.now();
    const billing = this.#link.capabilities.billing;
    if (billing === undefined) throw new Error('the bench core needs a billed link');
    const due = this.#waiting.filter((w) => w.dueAt <= now);
    const candidates: ShareCandidate[] = due.map((w) => ({
      id: w.id,
      bytes: w.uplink.frame.length,
      priority: w.uplink.priority,
      holdStart: w.holdStart,
      frame: w.uplink.frame,
    }));
    const plan = planSharedMessage({
      candidates,
      now,
      policy: { holdMs: DEFAULT_SHARED_HOLD_MS, maxBytes: this.#link.mtu, billing, sharedFields: true },
      budget: this.budget,
      anyway,
    });
    if (plan.refused.length > 0 || plan.alone)
      throw new Error('the bench day has no budget and no large message');
    const retryAt = this.#waiting.filter((w) => w.dueAt > now).map((w) => w.dueAt);
    const wakeAt = Math.min(plan.wakeAt ?? Number.POSITIVE_INFINITY, ...retryAt);
    this.#timer?.cancel();
    if (Number.isFinite(wakeAt)) this.#timer = this.#clock.after(wakeAt - now, () => this.#look(false));
    if (plan.send.length === 0) return;
    if (this.#inFlight) {
      this.#inFlight.abort.abort(); // taken back unless a session has it; looked at again after
      return;
    }
    const items = plan.send.map((c) => due.find((w) => w.id === c.id) as Waiting);
    for (const w of items) this.#waiting.splice(this.#waiting.indexOf(w), 1);
    const abort = new AbortController();
    this.#inFlight = { items, abort };
    const frame = packShared(
      items.map((w) => ({ frame: w.uplink.frame, priority: w.uplink.priority })),
      { sharedFields: true },
    );
    const units = billedUnits(frame.length, billing);
    const priority = Math.min(...items.map((w) => w.uplink.priority)) as Priority;
    void this.#link
      .send(frame, {
        priority,
        signal: abort.signal,
        ...(items.some((w) => w.awaitsReply) ? { awaitsReply: true } : {}),
      })
      .then((outcome) => {
        this.#inFlight = undefined;
        const at = this.#clock.now();
        if (outcome.ok) {
          this.budget.spend(units, at);
          for (const w of items) this.#delivered(w.uplink, at - w.madeAt);
        } else if (abort.signal.aborted) {
          this.#waiting.push(...items); // taken back: packed again at once
        } else {
          for (const w of items)
            this.#waiting.push({ ...w, holdStart: Number.NEGATIVE_INFINITY, dueAt: at + MIN });
        }
        this.#look(false);
      });
  }
}

/**
 * Runs the SBD link's sessions (docs/iridium.md §7.1–§7.3): when the scheduler says one is due
 * (session-scheduler.ts decides, this acts on it), one at a time, each in the order of §7.1
 * (sbd-session.ts); what each one meant (session-verdict.ts) goes back to the scheduler and to the
 * send it carried (held-frames.ts), and to the link (SessionRunnerLink) to report. Before a mailbox
 * check of its own, which costs a credit whatever it carries, it offers the core the chance to add
 * riders (SendOpportunities), once per session.
 *
 * Stopping is bounded (§7.1 "Stopping"; stop-bound.ts): halt() hands back what no session has,
 * waits for the session under way up to a grace, then cuts it short. Its MO may have gone, so it
 * is answered TIMEOUT (retry later: the centre drops a copy by its id), never LINK_DOWN (nothing
 * went); the session records how it ended once the link has closed its port.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import type { LinkDownReason, SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import type { SbdModem } from '../modem/sbd-modem.js';
import type { HeldFrames } from './held-frames.js';
import type { SbdLinkOptions } from './sbd-link-types.js';
import { type MoBuffer, runSbdSession } from './sbd-session.js';
import type { SessionPlan, SessionScheduler } from './session-scheduler.js';
import { judgeSession, type SessionVerdict } from './session-verdict.js';
import { settledWithin } from './stop-bound.js';

/** What the runner needs of its link (sbd-link.ts), and what it tells it, in this order per session. */
export interface SessionRunnerLink {
  /** The link is up and not closing: sessions may run. */
  running(): boolean;
  /** The modem of the link's current start. */
  modem(): SbdModem;
  /** A session ended: count it, log a failure, hand on its MT message, apply its alarms. */
  heard(verdict: SessionVerdict): void;
  /** A session spent credits the core did not send itself (a mailbox check, MT messages). */
  spent(units: number): void;
  /** Last of a session: its record, and going down if the verdict says so. */
  ended(plan: SessionPlan, verdict: SessionVerdict, clockAt: number): void;
  /** The runner cannot go on (a bug): the link goes down, handing every send back. */
  down(reason: LinkDownReason, detail: string): void;
}

export interface SessionRunnerOptions extends Pick<SbdLinkOptions, 'giveUpMs' | 'offerWaitMs'> {
  id: string;
  clock: Clock;
  log: Logger;
  scheduler: SessionScheduler;
  held: HeldFrames;
  /** The core's listeners for a mailbox check of the link's own (SendOpportunities). */
  offers: ReadonlySet<() => Promise<void>>;
  link: SessionRunnerLink;
}

/** Owns the session cycle: its timer, the session under way and what it carries, the MO buffer. */
export class SessionRunner {
  readonly #o: SessionRunnerOptions;
  readonly #buffer: { state: MoBuffer } = { state: { kind: 'unknown' } };
  #cycle: Promise<void> | undefined;
  /** Something changed while a cycle ran: look again after it. */
  #again = false;
  #timer: Timer | undefined;
  /** The id of the MO a session has under way. */
  #carrying: number | undefined;
  /** The session under way and when it began (clock ms): what halt() reports if it cuts it short. */
  #underWay: { plan: SessionPlan; since: number } | undefined;
  /** Its send was aborted during the session: handed back if the session did not send it. */
  #abortAfterSession: number | undefined;
  /** The core was offered the coming mailbox check; cleared by the next session. */
  #offered = false;

  constructor(options: SessionRunnerOptions) {
    this.#o = options;
  }

  /** A new start of the link: whatever a previous run left in the modem's MO buffer is unknown. */
  forgetBuffer(): void {
    this.#buffer.state = { kind: 'unknown' };
  }

  /**
   * Looks at the queue soon, unless a session is under way (it looks again when done). "Soon" is
   * a zero-delay timer, so frames handed over together share the decision.
   */
  wake(): void {
    if (!this.#o.link.running()) return;
    if (this.#cycle) {
      // The cycle may be past its last look: have it look again when it ends.
      this.#again = true;
      return;
    }
    this.#timer?.cancel();
    this.#timer = this.#o.clock.after(0, () => {
      this.#timer = undefined;
      if (this.#cycle || !this.#o.link.running()) return;
      this.#again = false;
      this.#cycle = this.#runCycle().finally(() => {
        this.#cycle = undefined;
        if (this.#again) this.wake();
      });
    });
  }

  /** No more looks at the queue until the next wake(). */
  cancelWake(): void {
    this.#timer?.cancel();
  }

  /**
   * A send's signal aborted. Taken back only while no session has it: once SBDIX may have sent
   * it, it is answered by how that session ends (a failed session hands it back then).
   */
  abort(id: number): void {
    if (this.#carrying === id) this.#abortAfterSession = id;
    else if (this.#o.scheduler.release(id)) this.#o.held.settle(id, failed('later', 'BUSY', 'aborted'));
  }

  /** Answers every pending send but the one a session has under way (that session answers it). */
  handBack(outcome: SendOutcome): void {
    this.#o.held.handBack(outcome, this.#carrying);
  }

  /**
   * Stops running sessions: hands back what no session has, waits up to `graceMs` for the session
   * under way, then cuts it short.
   */
  async halt(graceMs: number, outcome: SendOutcome): Promise<void> {
    this.cancelWake();
    this.handBack(outcome);
    if (this.#cycle && !(await settledWithin(this.#o.clock, this.#cycle, graceMs))) this.#cutShort(graceMs);
  }

  /** Waits up to `ms` for a session cut short to end (once its port is closed) and record how. */
  async ended(ms: number): Promise<void> {
    if (this.#cycle) await settledWithin(this.#o.clock, this.#cycle, ms);
  }

  /**
   * halt() stopped waiting for the session under way. Its MO may have gone or not: it is answered
   * TIMEOUT (retry later), so the core sends it again and the centre drops a copy by its id; never
   * LINK_DOWN, which says nothing went.
   */
  #cutShort(waitedMs: number): void {
    const s = this.#underWay;
    const mo = s?.plan.mo;
    this.#o.log.warn(
      {
        link: this.#o.id,
        reason: s?.plan.reason,
        moBytes: mo?.bytes.length ?? 0,
        ...(s ? { sessionMs: this.#o.clock.now() - s.since } : {}),
        waitedMs,
      },
      mo
        ? 'stopping cut a session short: its MO may have gone; handed back as TIMEOUT to be sent again'
        : 'stopping cut a session short',
    );
    if (mo)
      this.#o.held.settle(
        mo.id,
        failed(
          'later',
          'TIMEOUT',
          `the link stopped during its session, after ${waitedMs} ms; it may have gone`,
        ),
      );
  }

  async #runCycle(): Promise<void> {
    const { clock, scheduler, held, link } = this.#o;
    try {
      while (link.running()) {
        const now = clock.now();
        this.#again = false;
        const decision = scheduler.decide(now);
        for (const mo of decision.drop) {
          held.settle(
            mo.id,
            failed('later', 'NO_SERVICE', `no successful session for ${this.#o.giveUpMs ?? 1_800_000} ms`),
          );
        }
        if (!decision.session) {
          if (decision.wakeAt !== undefined) {
            this.#timer = clock.after(decision.wakeAt - now, () => this.wake());
          }
          return;
        }
        if (decision.session.mo === undefined && !this.#offered && this.#o.offers.size > 0) {
          // A mailbox check costs a credit whatever it carries: let the core add what may ride
          // along, then decide again (what it sends wakes us at once).
          this.#offered = true;
          await this.#offer();
          continue;
        }
        await this.#runSession(decision.session);
      }
    } catch (err) {
      // A bug, not a field failure: say so, and do not leave senders waiting for ever.
      this.#o.log.error({ err, link: this.#o.id }, 'SBD session loop failed');
      link.down('port-error', `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Asks the core for riders; waits for its answer up to `offerWaitMs`. */
  async #offer(): Promise<void> {
    let timer: Timer | undefined;
    await Promise.race([
      Promise.allSettled([...this.#o.offers].map((listener) => listener())),
      new Promise<void>((resolve) => {
        timer = this.#o.clock.after(this.#o.offerWaitMs ?? 2000, resolve);
      }),
    ]);
    timer?.cancel();
  }

  async #runSession(plan: SessionPlan): Promise<void> {
    const { clock, scheduler, held, link } = this.#o;
    this.#carrying = plan.mo?.id;
    this.#underWay = { plan, since: clock.now() };
    this.#offered = false;
    const out = await runSbdSession(link.modem(), this.#buffer, {
      mo: plan.mo?.bytes,
      answerRing: plan.answerRing,
    });
    this.#carrying = undefined;
    this.#underWay = undefined;
    const v = judgeSession(out, plan);
    const clockAt = clock.now();
    link.heard(v);

    if (v.scheduler.kind === 'succeeded') {
      scheduler.succeeded(plan, v.scheduler, clockAt);
      // What the core did not send itself: the mailbox check's credit and the MT's.
      const extra = (plan.mo ? 0 : plan.credits) + v.scheduler.mtCredits;
      if (extra > 0) link.spent(extra);
    } else {
      scheduler.failed(v.scheduler.minBackoffMs, clockAt, v.scheduler.releaseCarried ? plan.mo : undefined);
    }
    if (v.carried && plan.mo) held.settle(plan.mo.id, v.carried);
    else if (plan.mo && this.#abortAfterSession === plan.mo.id && scheduler.release(plan.mo.id))
      held.settle(plan.mo.id, failed('later', 'BUSY', 'aborted'));
    this.#abortAfterSession = undefined;
    link.ended(plan, v, clockAt);
  }
}

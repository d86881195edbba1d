/**
 * What to do about the calls nobody has answered yet (docs/warnings.md §Escalation), as a pure
 * function of the calls, the time and the policy: the centre's warning service runs it when its
 * timer fires, carries the actions out, and records each on the board.
 *
 * By state, never by a single timer:
 * - **Not delivered** (the kit has not confirmed): send again, by whatever link is up, once the
 *   route's expected latency has passed since the last send, and never sooner than
 *   `resendAfterMs`: the first hop's wait (IP's is nothing) says nothing of the mesh behind a
 *   gateway, which a confirmation must cross too. A satellite link's latency is minutes; sending
 *   sooner would only pay twice. After `resendsBeforeSuperior` sends, the superiors are called as
 *   well, and the sends go on while the warning is in force, two waits apart for the first hour
 *   from the first send, then each twice the one before, up to half an hour. A person no kit
 *   serves goes to the superiors at once.
 * - **Delivered, unanswered** after `answerWithinMs`: the kit sounds again (re-alarm); still
 *   unanswered `answerWithinMs` later, the superiors are called. A superior's call is a call like
 *   any other, so its own silence climbs on, up to the county.
 * - **Answers on their way.** The re-alarm waits, past `answerWithinMs`, as long as the kit's
 *   latest ack of the same warning took to arrive (an answer made at the deadline is no sooner
 *   here; an old warning's late acks say nothing of this one), and while the kit is being heard
 *   about the warning, that long after it was last heard (a kit that is answering is not silent);
 *   never more than half of `answerWithinMs` beyond it, so a silent person is re-alarmed within one
 *   and a half times the time to answer whatever the kit's clock or channel.
 */
import type { RosterId } from '../roster/person.js';
import { type Call, isUnanswered, lastStep } from './call.js';

export interface EscalationPolicy {
  /** How long a delivered call waits for its person, before the re-alarm and again before the superiors. */
  answerWithinMs: number;
  /** Sends to a kit that has not confirmed delivery before its superiors are called too. */
  resendsBeforeSuperior: number;
  /**
   * The least time between two sends to a kit that has not confirmed, whatever its route's first
   * hop says: what a confirmation needs to come back through the whole route (a gateway's mesh).
   * Absent: the route's latency alone.
   */
  resendAfterMs?: number;
}

/**
 * Two minutes between sends to a kit behind a mesh: the gateway's repeats, the kit's receipt and
 * its relays on a busy channel (docs/warnings.md §Escalation).
 */
export const DEFAULT_RESEND_AFTER_MS = 2 * 60_000;

/**
 * The sends past the superiors wait two waits apart (4 min at the default floor), not more: a far
 * kit, three relays out on a busy channel, may hear one broadcast in five, and the sends are what
 * reaches it (docs/warnings.md §Escalation).
 */
const MAX_DOUBLINGS = 1;

/**
 * For the first hour from the warning's first send, the sends past the superiors keep their four
 * minutes: that is the hour the far kits were measured to need it. After it, each send waits twice
 * the one before, up to `LATE_RESEND_MAX_MS`: every send toward a kit behind a gateway floods the
 * whole mesh, and twenty kits with flat batteries must not cost it twenty floods every four minutes
 * for a whole day (docs/warnings.md §Escalation).
 */
export const FULL_RESEND_CADENCE_MS = 60 * 60_000;

/**
 * The longest wait between two sends past the first hour to a kit that has not confirmed, unless
 * its route's own wait is longer: a kit that wakes late still hears within half an hour.
 */
export const LATE_RESEND_MAX_MS = 30 * 60_000;

/** Five minutes to answer: everyone woken within 5 minutes (docs/domain.md §预警叫应). */
export const DEFAULT_ESCALATION: EscalationPolicy = {
  answerWithinMs: 5 * 60_000,
  resendsBeforeSuperior: 2,
  resendAfterMs: DEFAULT_RESEND_AFTER_MS,
};

export type EscalationAction =
  /** Send the warning to `kit` again; the persons are those it has not reached. */
  | { kind: 'resend'; warning: string; kit: number; persons: RosterId[] }
  /** Make `kit` sound the alarm again for these persons. */
  | { kind: 'realarm'; warning: string; kit: number; persons: RosterId[] }
  /** Call the superiors of `person`'s call. */
  | { kind: 'superior'; warning: string; person: RosterId };

export interface EscalationDue {
  actions: EscalationAction[];
  /** When the next step falls due, if any call is still waiting; unix ms. */
  wakeAt: number | undefined;
}

/**
 * The steps due at `now` for `calls` (those of open warnings). `latencyMs(kit)`: the expected time
 * for the kit's route to bring a confirmation back, the least time between two sends to it.
 * `answerLagMs(kit, warning)`: how late the kit's latest ack of that warning arrived, when known.
 */
export function escalationDue(
  calls: readonly Call[],
  now: number,
  policy: EscalationPolicy,
  latencyMs: (kit: number) => number,
  answerLagMs: (kit: number, warning: string) => number | undefined = () => undefined,
): EscalationDue {
  const grouped = new Map<string, Extract<EscalationAction, { persons: RosterId[] }>>();
  const superiors: EscalationAction[] = [];
  let wakeAt: number | undefined;
  const later = (t: number) => {
    wakeAt = wakeAt === undefined ? t : Math.min(wakeAt, t);
  };
  const toKit = (kind: 'resend' | 'realarm', call: Call, kit: number) => {
    const key = `${kind} ${call.warning} ${kit}`;
    const action = grouped.get(key) ?? { kind, warning: call.warning, kit, persons: [] as RosterId[] };
    action.persons.push(call.person);
    grouped.set(key, action);
  };
  const superior = (call: Call, at: number) => {
    if (lastStep(call, 'superior') !== undefined) return;
    if (now >= at) superiors.push({ kind: 'superior', warning: call.warning, person: call.person });
    else later(at);
  };
  // When each kit was last heard about each warning: an answer, or its word that it holds it.
  const heard = new Map<string, number>();
  for (const call of calls) {
    if (call.kit === undefined) continue;
    const at = Math.max(call.at.delivered ?? 0, call.at.acknowledged ?? 0, call.at.acted ?? 0);
    const key = `${call.warning} ${call.kit}`;
    if (at > (heard.get(key) ?? 0)) heard.set(key, at);
  }
  for (const call of calls) {
    if (!isUnanswered(call)) continue;
    if (call.state === 'sent') {
      if (call.kit === undefined) {
        superior(call, call.at.sent);
        continue;
      }
      const sends = call.steps.filter((s) => s.step === 'resent').length;
      // Past the superiors, the kit is still sent to while the warning is in force, two waits
      // apart for the first hour: the kit may yet hear it. Each send floods a gateway's mesh,
      // so after the hour they back off (FULL_RESEND_CADENCE_MS).
      const beyond = Math.max(0, sends - policy.resendsBeforeSuperior);
      const wait =
        Math.max(latencyMs(call.kit), policy.resendAfterMs ?? 0) * 2 ** Math.min(beyond, MAX_DOUBLINGS);
      const last = lastStep(call, 'resent') ?? call.at.sent;
      // Past the first hour, the sends back off: one, two, ... doublings after the hour's cadence.
      const late = call.steps.filter(
        (s) => s.step === 'resent' && s.at >= call.at.sent + FULL_RESEND_CADENCE_MS,
      ).length;
      const next =
        last +
        (last >= call.at.sent + FULL_RESEND_CADENCE_MS
          ? Math.max(wait, Math.min(wait * 2 ** late, LATE_RESEND_MAX_MS))
          : wait);
      if (sends >= policy.resendsBeforeSuperior) superior(call, next);
      if (now >= next) toKit('resend', call, call.kit);
      else later(next);
      continue;
    }
    const delivered = call.at.delivered ?? call.at.sent;
    const realarmed = lastStep(call, 'realarmed');
    if (realarmed !== undefined) superior(call, realarmed + policy.answerWithinMs);
    else if (call.kit === undefined) superior(call, delivered + policy.answerWithinMs);
    else {
      const deadline = delivered + policy.answerWithinMs;
      const lag = answerLagMs(call.kit, call.warning) ?? 0;
      const lastHeard = heard.get(`${call.warning} ${call.kit}`) ?? delivered;
      const at = Math.min(Math.max(deadline + lag, lastHeard + lag), deadline + policy.answerWithinMs / 2);
      if (now >= at) toKit('realarm', call, call.kit);
      else later(at);
    }
  }
  return { actions: [...grouped.values(), ...superiors], wakeAt };
}

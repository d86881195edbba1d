/**
 * A cancel reaches every kit (docs/warnings.md §A cancel reaches every kit): a cancel calls nobody,
 * so no call of it escalates, yet a kit that missed its broadcast would go on holding the warning
 * in force, and sounding it for whoever there has not answered, until it expires. The kits that
 * held the thread confirm the cancel with their `delivered` word; the desk sends it again toward
 * each kit that has not, as a pure function of what it kept and the time: the first time one
 * resend wait after the cancel went, then every two waits (the rhythm of a warning's own sends
 * in its first hour, escalation.ts), while the cancel is in force.
 */

/** One cancel the desk sent, and the kits it must reach. */
export interface CancelToDeliver {
  /** The cancel's id, `origin/seq`. */
  cancel: string;
  /** When it was sent, unix ms. */
  sentAt: number;
  /** When it stops being in force, unix ms: nothing is sent after. */
  expiresAt: number;
  /** Each kit that held its thread and has not confirmed it, with when it was sent again toward it. */
  kits: ReadonlyArray<{ kit: number; resentAt: readonly number[] }>;
}

export interface CancelResend {
  cancel: string;
  kit: number;
}

/** The resends due at `now`, and when the next one falls due (unix ms; undefined when none waits). */
export function cancelResendsDue(
  cancels: readonly CancelToDeliver[],
  now: number,
  resendAfterMs: number,
): { actions: CancelResend[]; wakeAt: number | undefined } {
  const actions: CancelResend[] = [];
  let wakeAt: number | undefined;
  for (const c of cancels) {
    for (const { kit, resentAt } of c.kits) {
      const last = resentAt.length === 0 ? c.sentAt : Math.max(...resentAt);
      const next = last + (resentAt.length === 0 ? resendAfterMs : 2 * resendAfterMs);
      if (next >= c.expiresAt || now >= c.expiresAt) continue;
      if (now >= next) actions.push({ cancel: c.cancel, kit });
      else wakeAt = wakeAt === undefined ? next : Math.min(wakeAt, next);
    }
  }
  return { actions, wakeAt };
}

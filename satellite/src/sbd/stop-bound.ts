/**
 * How long an SbdLink's stop() may take (docs/iridium.md §7.1 "Stopping"). The daemon stops its
 * links one by one when systemd asks it to, and systemd kills it after its stop timeout (90 s by
 * default), so stop() must end well before that, even on a modem whose session never answers.
 *
 * stop() waits up to `stopGraceMs` for a session under way, then cuts it short: its MO is handed
 * back as TIMEOUT (it may have gone), so the core sends it again, and the centre drops the copy by
 * the message's id. Then it gives closing the modem and recording the cut session's end at most
 * {@link CLOSE_BOUND_MS} more.
 */
import type { Clock, Timer } from '../../../node/src/link/clock.js';

/** Default `stopGraceMs`: the wait for a session under way, ms. */
export const STOP_GRACE_MS = 50_000;

/** After the grace: closing the modem and the cut session's end, ms. stop() ends within 60 s by default. */
export const CLOSE_BOUND_MS = 10_000;

/** Whether `work` settled (either way) within `ms` of `clock`. */
export async function settledWithin(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: Timer | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = clock.after(Math.max(0, ms), () => resolve(false));
    }),
  ]);
  timer?.cancel();
  return settled;
}

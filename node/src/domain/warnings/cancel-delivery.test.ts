/**
 * The schedule of a cancel's sends again (cancel-delivery.ts; docs/warnings.md §A cancel reaches
 * every kit): one resend wait after the cancel went, then every two waits, toward each kit that
 * has not confirmed it, never once the cancel is no longer in force.
 */
import { describe, expect, it } from 'vitest';
import { type CancelToDeliver, cancelResendsDue } from './cancel-delivery.js';

const MIN = 60_000;
const WAIT = 2 * MIN;
const SENT = 1_800_000_000_000;

const cancel = (kits: CancelToDeliver['kits'], expiresAt = SENT + 60 * MIN): CancelToDeliver => ({
  cancel: '1/102',
  sentAt: SENT,
  expiresAt,
  kits,
});

describe('a cancel sent again', () => {
  it('first one wait after it went, then every two waits after the last send', () => {
    const c = cancel([
      { kit: 2101, resentAt: [] },
      { kit: 2102, resentAt: [SENT + WAIT] },
    ]);
    expect(cancelResendsDue([c], SENT + WAIT - 1, WAIT)).toEqual({ actions: [], wakeAt: SENT + WAIT });
    expect(cancelResendsDue([c], SENT + WAIT, WAIT)).toEqual({
      actions: [{ cancel: '1/102', kit: 2101 }],
      wakeAt: SENT + 3 * WAIT,
    });
    expect(cancelResendsDue([c], SENT + 3 * WAIT, WAIT).actions).toEqual([
      { cancel: '1/102', kit: 2101 },
      { cancel: '1/102', kit: 2102 },
    ]);
  });

  it('never once the cancel is no longer in force', () => {
    const c = cancel([{ kit: 2101, resentAt: [SENT + 55 * MIN] }]);
    expect(cancelResendsDue([c], SENT + 90 * MIN, WAIT)).toEqual({ actions: [], wakeAt: undefined });
    const short = cancel([{ kit: 2101, resentAt: [] }], SENT + WAIT);
    expect(cancelResendsDue([short], SENT + 10 * MIN, WAIT)).toEqual({ actions: [], wakeAt: undefined });
  });
});

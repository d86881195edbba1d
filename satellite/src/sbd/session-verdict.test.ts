/**
 * Tests for session-verdict.ts: what each kind of session outcome does to the frames it carried,
 * the scheduler, the counters, the alarms and the link state (docs/iridium.md §1.3, §7.2).
 */
import { describe, expect, it } from 'vitest';
import { KitError } from '../../../node/src/base/errors.js';
import { classifyMoStatus } from '../modem/modem-driver.js';
import type { SbdSessionResult } from '../modem/sbd-modem.js';
import type { PendingMo, SessionPlan } from './session-scheduler.js';
import { judgeSession } from './session-verdict.js';

const mo: PendingMo = { id: 1, bytes: new Uint8Array(60), priority: 1, awaitsReply: true, arrivedAt: 0 };
const plan: SessionPlan = { mo, credits: 2, reason: 'due', answerRing: false };
const mailbox: SessionPlan = { credits: 1, reason: 'ring', answerRing: true };
const result = (moStatus: number, more: Partial<SbdSessionResult> = {}): SbdSessionResult => ({
  moStatus,
  momsn: 77,
  mtStatus: 0,
  mtmsn: 0,
  mtLength: 0,
  mtQueued: 0,
  ...more,
});
const done = (moStatus: number, more: Partial<SbdSessionResult> = {}, mt?: Uint8Array) => ({
  kind: 'done' as const,
  result: result(moStatus, more),
  cls: classifyMoStatus(moStatus),
  wrote: true,
  ...(mt ? { mt } : {}),
});

describe('judgeSession', () => {
  it.each([0, 1, 2, 3, 4])('MO status %i: the frames went, with the MOMSN, and credits are billed', (s) => {
    const v = judgeSession(done(s), plan);
    expect(v.carried).toEqual({ ok: true, ref: '77' });
    expect(v.count).toMatchObject({ sessions: 1, sessionsOk: 1, moMessages: 1, moCredits: 2, credits: 2 });
    expect(v.down).toBeUndefined();
  });

  it('bills an MT by its own 50-byte units and counts a mailbox check as one', () => {
    const v = judgeSession(done(0, { mtStatus: 1, mtLength: 120 }, new Uint8Array(120)), mailbox);
    expect(v.count).toMatchObject({ mailboxChecks: 1, moCredits: 1, mtCredits: 3, credits: 4 });
    expect(v.record).toMatchObject({ credits: 4, mtBytes: 120 });
    expect(v.mt).toHaveLength(120);
  });

  it.each([
    [10, 30_000],
    [13, 30_000],
    [18, 30_000],
    [32, 30_000],
    [35, 30_000],
    [36, 180_000],
    [38, 600_000],
  ])('MO status %i is transient: the frames stay held, back off at least %i ms', (s, min) => {
    const v = judgeSession(done(s), plan);
    expect(v.carried).toBeUndefined();
    expect(v.scheduler).toEqual({ kind: 'failed', minBackoffMs: min, releaseCarried: false });
    expect(v.count).toEqual({ sessions: 1, sessionsFailed: 1 });
    expect(v.down).toBeUndefined();
  });

  it.each([
    [12, 'SBD_STOPPED', 'no-service', 'configuration'],
    [14, 'SBD_STOPPED', 'no-service', 'configuration'],
    [15, 'SBD_STOPPED', 'no-service', 'configuration'],
    [16, 'SBD_STOPPED', 'no-service', 'configuration'],
    [33, 'SBD_HARDWARE', 'no-device', 'hardware'],
    [64, 'SBD_HARDWARE', 'no-device', 'hardware'],
    [65, 'SBD_HARDWARE', 'no-device', 'hardware'],
  ])('MO status %i stops: %s, down %s for the %s pause', (s, code, reason, pause) => {
    const v = judgeSession(done(s), plan);
    expect(v.alarms).toContainEqual({ raise: expect.objectContaining({ code, moStatus: s }) });
    expect(v.down).toMatchObject({ reason, pause });
    expect(v.carried).toBeUndefined(); // handed back as the link goes down
  });

  it('raises SBD_MT_TOO_LARGE on MO status 1 and clears it on 0', () => {
    expect(judgeSession(done(1), plan).alarms).toContainEqual({
      raise: expect.objectContaining({ code: 'SBD_MT_TOO_LARGE' }),
    });
    expect(judgeSession(done(0), plan).alarms).toContainEqual(
      expect.objectContaining({ clear: 'SBD_MT_TOO_LARGE' }),
    );
  });

  it('hands the frames back as TIMEOUT when SBDIX did not answer, and goes down if the port closed', () => {
    const hung = judgeSession({ kind: 'uncertain', error: new KitError('AT_TIMEOUT', 'no answer') }, plan);
    expect(hung.carried).toMatchObject({ ok: false, retry: 'later', code: 'TIMEOUT' });
    expect(hung.scheduler).toEqual({ kind: 'failed', minBackoffMs: 0, releaseCarried: true });
    expect(hung.down).toBeUndefined();
    const gone = judgeSession({ kind: 'uncertain', error: new KitError('AT_CLOSED', 'closed') }, plan);
    expect(gone.down).toEqual({ reason: 'port-closed', detail: 'closed' });
  });

  it('keeps the frames held when the MO could not be written: no session happened', () => {
    const v = judgeSession(
      { kind: 'not-started', stage: 'write', error: new KitError('AT_ERROR', 'result 2') },
      plan,
    );
    expect(v.carried).toBeUndefined();
    expect(v.count).toEqual({ errors: 1 });
    expect(v.record).toMatchObject({ outcome: 'not-started', error: 'write: result 2' });
  });
});

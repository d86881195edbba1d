/**
 * What one session's outcome means for the SBD link (docs/iridium.md §1.3 "MO status", §7.1,
 * §7.2), decided in one pure function so that the rules are read in one place:
 *
 * - success (MO status 0–4): the MO it carried went (ok, ref = the MOMSN); credits are billed,
 *   MO max(1, ⌈bytes/50⌉) and MT likewise (§2.4); stop and hardware alarms clear;
 * - transient failure: the MO stays pending and is retried after a backoff, at least
 *   the status's own minimum (36: 180 s);
 * - 12, 14, 15, 16, 34 (configuration) and 33, 64, 65 (hardware): an alarm, and the link goes down
 *   for a pause, handing everything back: retrying cannot help;
 * - SBDIX not answering (timeout, stream closed): whether the MO went is unknown, so its send is
 *   answered TIMEOUT (retry later) rather than sent again on a guess;
 * - the MO buffer could not be written or cleared: no session happened; back off and try again.
 * MO status 1 means an MT over 270 bytes is stuck at the gateway (alarm); an MT that cannot be read
 * back intact is lost (alarm).
 */
import { isKitError } from '../../../node/src/base/errors.js';
import type { LinkDownReason, SendOutcome } from '../../../node/src/link/link.js';
import { iridiumCredits } from '../iridium-limits.js';
import type { AlarmChange } from './alarms.js';
import type { SbdLinkCounters, SbdSessionRecord } from './sbd-link-types.js';
import type { SessionOutcome } from './sbd-session.js';
import type { SessionPlan } from './session-scheduler.js';

export interface SessionVerdict {
  /** The session record's fields beyond time and plan. */
  record: Pick<
    SbdSessionRecord,
    'outcome' | 'credits' | 'moStatus' | 'momsn' | 'mtQueued' | 'mtBytes' | 'error'
  >;
  /** How the send() the session carried ends; undefined: it stays pending (retried, or handed back by going down). */
  carried?: SendOutcome;
  /** What the scheduler is told. */
  scheduler:
    | { kind: 'succeeded'; mtQueued: number; mtReceived: boolean; mtTooLarge: boolean; mtCredits: number }
    | { kind: 'failed'; minBackoffMs: number; releaseCarried: boolean };
  /** Counter increments. */
  count: Partial<Record<keyof SbdLinkCounters, number>>;
  /** The MT message read in the session. */
  mt?: Uint8Array;
  alarms: AlarmChange[];
  /** The link must go down, for a pause of that kind if any. */
  down?: { reason: LinkDownReason; detail: string; pause?: 'configuration' | 'hardware' };
}

const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const closed = (err: unknown) =>
  isKitError(err, 'AT_CLOSED') ? { reason: 'port-closed' as const, detail: text(err) } : undefined;

export function judgeSession(out: SessionOutcome, plan: SessionPlan): SessionVerdict {
  if (out.kind === 'not-started') {
    const down = closed(out.error);
    return {
      record: { outcome: 'not-started', credits: 0, error: `${out.stage}: ${text(out.error)}` },
      scheduler: { kind: 'failed', minBackoffMs: 0, releaseCarried: false },
      count: { errors: 1 },
      alarms: [],
      ...(down ? { down } : {}),
    };
  }
  if (out.kind === 'uncertain') {
    const down = closed(out.error);
    return {
      record: { outcome: 'uncertain', credits: 0, error: text(out.error) },
      carried: {
        ok: false,
        retry: 'later',
        code: 'TIMEOUT',
        detail: 'the session did not answer; it may have gone',
      },
      scheduler: { kind: 'failed', minBackoffMs: 0, releaseCarried: true },
      count: { sessions: 1, sessionsFailed: 1, errors: 1 },
      alarms: [],
      ...(down ? { down } : {}),
    };
  }

  const { result, cls } = out;
  const alarms: AlarmChange[] = [];
  const count: SessionVerdict['count'] = { sessions: 1 };
  if (result.moStatus === 1)
    alarms.push({
      raise: {
        code: 'SBD_MT_TOO_LARGE',
        detail: 'an MT message over 270 bytes waits at the gateway and cannot be delivered',
        moStatus: 1,
      },
    });
  else if (result.moStatus === 0)
    alarms.push({ clear: 'SBD_MT_TOO_LARGE', detail: 'no MT message is stuck' });
  if (out.mtError !== undefined) {
    count.errors = 1;
    alarms.push({
      raise: { code: 'SBD_MT_LOST', detail: `an MT message could not be read: ${text(out.mtError)}` },
    });
  } else if (result.mtStatus === 1) alarms.push({ clear: 'SBD_MT_LOST', detail: 'an MT message was read' });
  const base = {
    moStatus: result.moStatus,
    momsn: result.momsn,
    mtQueued: result.mtQueued,
    ...(out.mt ? { mtBytes: out.mt.length } : {}),
  };
  const mt = out.mt ? { mt: out.mt } : {};

  if (cls.kind === 'success') {
    const mtCredits = out.mt ? iridiumCredits(out.mt.length) : 0;
    alarms.push(
      { clear: 'SBD_HARDWARE', detail: 'a session succeeded' },
      { clear: 'SBD_STOPPED', detail: 'a session succeeded' },
    );
    return {
      record: { ...base, outcome: 'ok', credits: plan.credits + mtCredits },
      carried: { ok: true, ref: String(result.momsn) },
      scheduler: {
        kind: 'succeeded',
        mtQueued: result.mtQueued,
        mtReceived: out.mt !== undefined,
        mtTooLarge: result.moStatus === 1,
        mtCredits,
      },
      count: {
        ...count,
        sessionsOk: 1,
        ...(plan.mo ? { moMessages: 1 } : { mailboxChecks: 1 }),
        moCredits: plan.credits,
        mtCredits,
        credits: plan.credits + mtCredits,
      },
      ...mt,
      alarms,
    };
  }
  count.sessionsFailed = 1;
  if (cls.kind === 'transient') {
    return {
      record: { ...base, outcome: 'failed', credits: 0 },
      scheduler: { kind: 'failed', minBackoffMs: cls.minBackoffMs, releaseCarried: false },
      count,
      ...mt,
      alarms,
    };
  }
  alarms.push({
    raise: {
      code: cls.alarm === 'hardware' ? 'SBD_HARDWARE' : 'SBD_STOPPED',
      detail: cls.detail,
      moStatus: result.moStatus,
    },
  });
  return {
    record: { ...base, outcome: 'stopped', credits: 0 },
    scheduler: { kind: 'failed', minBackoffMs: 0, releaseCarried: false },
    count,
    ...mt,
    alarms,
    down: {
      reason: cls.alarm === 'hardware' ? 'no-device' : 'no-service',
      detail: cls.detail,
      pause: cls.alarm,
    },
  };
}

/**
 * How long the SBD link's stop() takes (docs/iridium.md §7.1 "Stopping"; stop-bound.ts): it waits
 * for a session under way, but never long enough for systemd (90 s by default) to kill the daemon.
 * A session that never answers is cut short at the bound, and what it carried is answered TIMEOUT,
 * retry later: the core sends it again, nothing is lost. Real AT driver and modem simulator on an
 * in-process duplex pair; the link and the simulator share a SteppingClock, so a minute of waiting
 * passes at once and the bound is checked to the millisecond.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteppingClock } from '../../../node/src/link/clock.js';
import type { SendOutcome } from '../../../node/src/link/link.js';
import { type DriverLinkRig, driverLinkRig } from '../../test/support/driver-link-rig.js';

const S = 1000;
const rigs: DriverLinkRig<SteppingClock>[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    const closing = r.close();
    await r.clock.run(120 * S);
    await closing;
  }
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A link up on the simulator whose sessions take `sessionMs`, and a frame sent into a session under way. */
async function sessionUnderWay(sessionMs: number, hang: boolean) {
  const r = driverLinkRig(new SteppingClock(), { modem: { sessionMs: [sessionMs, sessionMs] } });
  rigs.push(r);
  if (hang) r.sim.faults.failNextSessions('hang');
  await r.link.start();
  expect(r.link.state.status).toBe('up');
  const sent: { outcome?: SendOutcome } = {};
  void r.link.send(bytes('SOS'), { priority: 0 }).then((o) => {
    sent.outcome = o;
  });
  expect(await r.clock.runUntil(() => r.commands().includes('AT+SBDIX'), S)).toBe(true);
  let stopped = false;
  const started = r.clock.now();
  void r.link.stop().then(() => {
    stopped = true;
  });
  return { r, sent, started, stopped: () => stopped };
}

describe('SbdLink.stop() during a session', () => {
  it('waits for a session that ends in time, and cuts one that never answers at 50 s: stopped within 60 s, its MO answered TIMEOUT', async () => {
    // A 30 s session ends within the bound: stop() waits for it, and the frame went.
    const a = await sessionUnderWay(30 * S, false);
    expect(await a.r.clock.runUntil(a.stopped, 60 * S)).toBe(true);
    expect(a.r.clock.now() - a.started).toBe(30 * S);
    expect(a.sent.outcome).toMatchObject({ ok: true });
    expect(a.r.network.delivered).toHaveLength(1);

    // A session that never answers (the simulator's hang lasts 600 s).
    const b = await sessionUnderWay(30 * S, true);
    await b.r.clock.run(50 * S - 1);
    expect(b.stopped()).toBe(false);
    expect(b.sent.outcome).toBeUndefined();
    expect(await b.r.clock.runUntil(b.stopped, 10 * S + 1)).toBe(true);
    expect(b.r.clock.now() - b.started).toBeLessThanOrEqual(60 * S);
    expect(b.r.link.state).toMatchObject({ status: 'down', reason: 'stopped' });
    // Not "nothing went" (LINK_DOWN) and never "sent": whether it went is unknown, so it goes again.
    expect(b.sent.outcome).toMatchObject({ ok: false, retry: 'later', code: 'TIMEOUT' });
    expect(b.r.network.delivered).toHaveLength(0);
    // What was in flight is said, and the session's end is recorded: not seen.
    const cut = b.r.lines.filter(
      (l) => l.level === 'warn' && l.msg.startsWith('stopping cut a session short'),
    );
    expect(cut).toHaveLength(1);
    expect(JSON.parse(cut[0]?.text ?? '{}')).toMatchObject({ reason: 'due', moBytes: 3, waitedMs: 50 * S });
    expect(b.r.sessions.map((s) => s.outcome)).toEqual(['uncertain']);
  });
});

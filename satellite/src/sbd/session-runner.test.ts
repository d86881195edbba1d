/**
 * The SBD link's session runner alone (session-runner.ts; docs/iridium.md §7.1–§7.3), with the
 * real scheduler and held sends over the fake modem and the simulated Iridium network on a
 * stepping clock, and a link that records what it is told. What the link's own tests
 * (sbd-link*.test.ts) do not pin: a send aborted while a session delivers it is answered by that
 * session (ok), never BUSY, which would send it twice (they pin the failed session's case);
 * halt() answers what waits at once and cuts short a mailbox check that hangs (they pin an MO's
 * session); a bug in the loop takes the link down instead of leaving senders waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteppingClock } from '../../../node/src/link/clock.js';
import type { SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { recordingLogger } from '../../sim/recording-logger.js';
import { FakeSbdModem } from '../../test/support/fake-sbd-modem.js';
import { HeldFrames } from './held-frames.js';
import { SessionRunner, type SessionRunnerLink } from './session-runner.js';
import { SessionScheduler } from './session-scheduler.js';

const S = 1000;
const MIN = 60 * S;
const STOPPING = failed('later', 'LINK_DOWN', 'the link is stopping');

const rigs: Array<{ stop: () => Promise<void> }> = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

/** A runner over a fresh modem; `told` lists what its link heard, and when each send was answered. */
async function rig(options: { sessionMs?: number; heard?: SessionRunnerLink['heard'] } = {}) {
  const clock = new SteppingClock();
  const network = new SimulatedIridiumNetwork({ clock });
  const modem = new FakeSbdModem({ network, clock, momsn: 40, sessionMs: options.sessionMs ?? 20 * S });
  await modem.start();
  const scheduler = new SessionScheduler({ random: () => 0.5 });
  const held = new HeldFrames(scheduler);
  const log = recordingLogger();
  const told: string[] = [];
  const delivered: Uint8Array[] = [];
  network.on('mo', (m) => {
    if (m.payload) delivered.push(m.payload);
  });
  const state = { up: true };
  const runner: SessionRunner = new SessionRunner({
    id: 'sbd0',
    clock,
    log,
    scheduler,
    held,
    offers: new Set(),
    link: {
      running: () => state.up,
      modem: () => modem,
      heard: (v) => {
        told.push(`heard ${v.record.outcome}`);
        options.heard?.(v);
      },
      spent: (units) => told.push(`spent ${units}`),
      ended: (plan) => told.push(`ended ${plan.reason}`),
      // As the link does: down, and every send but the carried one handed back.
      down: (reason, detail) => {
        state.up = false;
        told.push(`down ${reason}: ${detail}`);
        runner.cancelWake();
        runner.handBack(failed('later', 'LINK_DOWN', detail));
      },
    },
  });
  const send = (bytes: Uint8Array) => {
    const mo = scheduler.add(bytes, 0, false, clock.now());
    const sent: { outcome?: SendOutcome } = {};
    held.add(mo.id, {
      resolve: (o) => {
        sent.outcome = o;
        told.push(`answered ${o.ok ? 'ok' : o.code}`);
      },
      cleanup: () => {},
    });
    runner.wake();
    return { id: mo.id, sent };
  };
  const r = { clock, network, modem, scheduler, runner, state, log, told, delivered, send };
  rigs.push({
    stop: async () => {
      state.up = false;
      const halted = runner.halt(0, STOPPING);
      await clock.run(10 * MIN);
      await halted;
      await runner.ended(0);
      network.close();
    },
  });
  return r;
}

describe('SessionRunner', () => {
  it('answers a send aborted while its session delivers it with that session: ok, sent once', async () => {
    const r = await rig();
    const { id, sent } = r.send(Uint8Array.of(0x50, 1, 2, 3));
    expect(await r.clock.runUntil(() => r.modem.calls.includes('SBDIX'), S)).toBe(true);
    r.runner.abort(id); // SBDIX may send it now: only how the session ends can answer it
    await r.clock.run(S);
    expect(sent.outcome).toBeUndefined();
    expect(await r.clock.runUntil(() => sent.outcome !== undefined, MIN)).toBe(true);
    expect(sent.outcome).toEqual({ ok: true, ref: '40' });
    expect(r.delivered).toHaveLength(1);
    await r.clock.run(30 * MIN);
    expect(r.delivered).toHaveLength(1);
  });

  it('halt() answers what waits at once and cuts short, at the grace, a mailbox check that hangs', async () => {
    const r = await rig({ sessionMs: 120 * S });
    r.modem.hang = true;
    r.scheduler.ring(r.clock.now());
    r.runner.wake();
    expect(await r.clock.runUntil(() => r.modem.calls.includes('SBDIXA'), S)).toBe(true);
    await r.clock.run(10 * S);
    const waiting = r.send(Uint8Array.of(0x50, 3)); // the session under way does not carry it
    r.state.up = false; // the link is closing
    const started = r.clock.now();
    let halted = false;
    void r.runner.halt(50 * S, STOPPING).then(() => {
      halted = true;
    });
    await r.clock.run(0);
    expect(waiting.sent.outcome).toEqual(STOPPING);
    expect(await r.clock.runUntil(() => halted, MIN)).toBe(true);
    expect(r.clock.now() - started).toBe(50 * S);
    const cut = r.log.lines.filter((l) => l.level === 'warn');
    expect(cut.map((l) => l.msg)).toEqual(['stopping cut a session short']);
    expect(JSON.parse(cut[0]?.text ?? '{}')).toMatchObject({ reason: 'ring', moBytes: 0, waitedMs: 50 * S });
    // The session ends (its AT timeout) and is recorded; no other starts.
    const ending = r.runner.ended(MIN);
    await r.clock.run(MIN);
    await ending;
    expect(r.told).toEqual(['answered LINK_DOWN', 'heard uncertain', 'ended ring']);
    expect(r.modem.calls.filter((c) => c.startsWith('SBDIX'))).toEqual(['SBDIXA']);
  });

  it('takes the link down when its loop fails, so no send waits for ever', async () => {
    let fail = true;
    const r = await rig({
      heard: () => {
        if (fail) {
          fail = false;
          throw new Error('a bug');
        }
      },
    });
    const { sent } = r.send(Uint8Array.of(0x50, 4));
    await r.clock.runUntil(() => sent.outcome !== undefined, MIN);
    expect(r.told).toEqual(['heard ok', 'down port-error: internal error: a bug', 'answered LINK_DOWN']);
    expect(r.log.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'SBD session loop failed',
    ]);
  });
});

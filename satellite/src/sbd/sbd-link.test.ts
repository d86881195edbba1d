/**
 * Tests for sbd-link.ts over a fake SbdModem (satellite/test/support/fake-sbd-modem.ts) and the
 * simulated Iridium network, on a stepping virtual clock: the session order of docs/iridium.md
 * §7.1, the retry rules of §7.2, credits and mailbox checks of §7.3, one MO per send() as given,
 * riders offered to the core and what the link spends reported to it. Alarms and start-up are in
 * sbd-link-alarms.test.ts; the same link over the AT driver, the modem simulator and a real pty runs
 * the link contract in sbd-link.contract.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../../node/src/link/link.js';
import { hex, MIN, message, rig, S, send, stopRigsAfterEach } from '../../test/support/sbd-link-rig.js';

stopRigsAfterEach();

describe('SbdLink sessions (§7.1)', () => {
  it('sends a P0 at once: SBDWB, SBDIX, SBDD0; ok with the MOMSN; delivered once', async () => {
    const r = await rig();
    const frame = message(30, 0, 1);
    const h = send(r.link, frame);
    await r.clock.runUntil(() => h.outcome !== undefined, 5 * MIN);
    expect(h.outcome).toEqual({ ok: true, ref: '40' });
    expect(r.modem.take()).toEqual(['SBDWB=30', 'SBDIX', 'SBDD0']);
    expect(r.mo.map((m) => [m.momsn, hex(m.payload)])).toEqual([[40, hex(frame)]]);
    expect(r.clock.now()).toBe(20 * S); // one 20 s session, no hold
    expect(r.link.counters()).toMatchObject({
      txFrames: 1,
      txBytes: 30,
      sessions: 1,
      moMessages: 1,
      credits: 1,
    });
  });

  it('sends each frame at once as one MO, byte for byte, whatever its priority or content', async () => {
    const r = await rig();
    const container = Uint8Array.from([0x02, 3, ...message(3, 1, 1), 3, ...message(3, 2, 2)]);
    const frames = [message(20, 3, 1), container];
    const handles = frames.map((f, i) => send(r.link, f, i === 0 ? 3 : 1));
    await r.clock.runUntil(() => handles.every((h) => h.outcome), 5 * MIN);
    expect(handles.map((h) => h.outcome)).toEqual([
      { ok: true, ref: '41' },
      { ok: true, ref: '40' },
    ]);
    // Most urgent first; the container is not unpacked or joined with anything.
    expect(r.mo.map((m) => hex(m.payload))).toEqual([hex(container), hex(frames[0])]);
    expect(r.clock.now()).toBeLessThan(MIN); // no hold
    expect(r.link.counters()).toMatchObject({ txFrames: 2, txBytes: 29, sessions: 2, credits: 2 });
  });

  it('reads an MT before clearing the MO, and keeps checking while the gateway holds more', async () => {
    const r = await rig();
    for (const tag of [1, 2, 3]) r.network.queueMt(r.modem.imei, Uint8Array.of(0x70, tag));
    r.modem.take();
    const h = send(r.link, message(30, 0, 9));
    await r.clock.runUntil(() => r.frames.length === 3 && h.outcome !== undefined, 10 * MIN);
    const calls = r.modem.take();
    // The ring came before the session: the send answers it (SBDIXA), then two plain checks.
    expect(calls).toEqual(['SBDWB=30', 'SBDIXA', 'SBDRB', 'SBDD0', 'SBDIX', 'SBDRB', 'SBDIX', 'SBDRB']);
    expect(r.frames.map((f) => hex(f.bytes))).toEqual(['7001', '7002', '7003']);
    expect(r.frames[0]).toMatchObject({ link: 'sbd0', meta: { from: 'gateway' } });
    expect(r.link.counters()).toMatchObject({ rxFrames: 3, rxBytes: 6, mailboxChecks: 2, moMessages: 1 });
    // MO 1 + two mailbox checks 2 + three MT 3.
    expect(r.link.counters().credits).toBe(6);
    const a = r.network.account(r.modem.imei);
    expect(r.link.counters().credits).toBe(a.moCredits + a.mtCredits);
  });

  it('answers a ring alert with SBDIXA and otherwise never checks the mailbox on its own', async () => {
    const r = await rig();
    await r.clock.run(24 * 60 * MIN);
    expect(r.modem.take()).toEqual([]);
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x71));
    await r.clock.runUntil(() => r.frames.length === 1, 5 * MIN);
    // The buffer state after start is unknown: a mailbox check clears it first.
    expect(r.modem.take()).toEqual(['SBDD0', 'SBDIXA', 'SBDRB']);
    await r.clock.run(24 * 60 * MIN);
    expect(r.modem.take()).toEqual([]);
    expect(r.sessions).toHaveLength(1);
  });

  it('while a warning is active checks the mailbox every warningCheckMs, and stops when it ends', async () => {
    const r = await rig({ warningCheckMs: 10 * MIN });
    r.link.setWarningActive(true);
    await r.clock.run(35 * MIN);
    expect(r.sessions.map((s) => s.reason)).toEqual(['warning', 'warning', 'warning']);
    r.link.setWarningActive(false);
    await r.clock.run(60 * MIN);
    expect(r.sessions).toHaveLength(3);
    expect(r.link.counters()).toMatchObject({ mailboxChecks: 3, credits: 3 });
  });

  it('retries the same buffered MO after transient failures without writing it again', async () => {
    const r = await rig();
    const statuses = [32, 18, undefined];
    r.modem.radio = () => statuses.shift();
    const frame = message(40, 0, 1);
    const h = send(r.link, frame);
    await r.clock.runUntil(() => h.outcome !== undefined, 30 * MIN);
    expect(h.outcome).toEqual({ ok: true, ref: '40' });
    expect(r.modem.take()).toEqual(['SBDWB=40', 'SBDIX', 'SBDIX', 'SBDIX', 'SBDD0']);
    expect(r.mo).toHaveLength(1);
    const ends = r.sessions.map((s) => s.clockAt);
    // 30 s then 60 s (±20 % jitter) between the end of a failure and the next session's end.
    expect((ends[1] as number) - (ends[0] as number) - 20 * S).toBeGreaterThanOrEqual(24 * S);
    expect((ends[2] as number) - (ends[1] as number) - 20 * S).toBeGreaterThanOrEqual(48 * S);
    expect(r.sessions.map((s) => s.outcome)).toEqual(['failed', 'failed', 'ok']);
    expect(r.link.counters()).toMatchObject({ sessions: 3, sessionsFailed: 2, sessionsOk: 1, credits: 1 });
  });

  it('waits at least 180 s after MO status 36', async () => {
    const r = await rig();
    const statuses = [36, undefined];
    r.modem.radio = () => statuses.shift();
    const h = send(r.link, message(20, 0, 1));
    await r.clock.runUntil(() => h.outcome !== undefined, 30 * MIN);
    const [fail, ok] = r.sessions;
    expect((ok?.clockAt as number) - (fail?.clockAt as number) - 20 * S).toBeGreaterThanOrEqual(180 * S);
  });

  it('a P0 cuts a long backoff short, going before the MO that waits, 30 s after the failure', async () => {
    const r = await rig({ backoff: { jitter: 0 } });
    let down = true;
    r.modem.radio = () => (down ? 32 : undefined);
    const p1 = send(r.link, message(30, 1, 1), 1);
    // Sessions end at 20 s, 70, 150, 290, 550 (waits 30, 60, 120, 240 s).
    await r.clock.runUntil(() => r.sessions.length === 5, 30 * MIN);
    const lastEnd = r.sessions.at(-1)?.clockAt as number;
    expect(lastEnd).toBe(550 * S);
    await r.clock.run(5 * S);
    down = false;
    const p0 = send(r.link, message(30, 0, 2), 0); // the next try would be at 550 + 480 s
    await r.clock.runUntil(() => p0.outcome !== undefined && p1.outcome !== undefined, 30 * MIN);
    expect(r.sessions.at(-2)?.clockAt).toBe(lastEnd + 30 * S + 20 * S);
    expect([p0.outcome?.ok, p1.outcome?.ok]).toEqual([true, true]);
    expect(r.mo.map((m) => m.payload?.[1])).toEqual([2, 1]);
  });

  it('hands frames back as TIMEOUT when SBDIX does not answer, and never sends that MO on a guess', async () => {
    const r = await rig();
    r.modem.hang = true;
    const h = send(r.link, message(30, 0, 1));
    await r.clock.runUntil(() => h.outcome !== undefined, 5 * MIN);
    expect(h.outcome).toMatchObject({ ok: false, retry: 'later', code: 'TIMEOUT' });
    r.modem.hang = false;
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x72));
    await r.clock.runUntil(() => r.frames.length === 1, 10 * MIN);
    // The mailbox check after it clears the buffer first: the unseen MO does not go out with it.
    expect(r.modem.take()).toEqual(['SBDWB=30', 'SBDIX', 'SBDD0', 'SBDIXA', 'SBDRB']);
    expect(r.mo.map((m) => m.payload)).toEqual([undefined]);
  });

  it('clears a delivered MO before the next mailbox check when SBDD0 failed after the session', async () => {
    const r = await rig();
    r.modem.failClears = 1;
    const h = send(r.link, message(30, 0, 1));
    await r.clock.runUntil(() => h.outcome !== undefined, 5 * MIN);
    expect(h.outcome?.ok).toBe(true);
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x73));
    await r.clock.runUntil(() => r.frames.length === 1, 5 * MIN);
    expect(r.modem.take()).toEqual(['SBDWB=30', 'SBDIX', 'SBDD0', 'SBDD0', 'SBDIXA', 'SBDRB']);
    expect(r.mo.map((m) => m.payload?.length)).toEqual([30, undefined]); // not sent (nor billed) twice
  });

  it('reads an MT again after a checksum error, and raises SBD_MT_LOST after three', async () => {
    const r = await rig();
    r.modem.badMtReads = 2;
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x74));
    await r.clock.runUntil(() => r.frames.length === 1, 5 * MIN);
    expect(r.modem.take().filter((c) => c === 'SBDRB')).toHaveLength(3);
    r.modem.badMtReads = 3;
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x75));
    await r.clock.runUntil(() => r.alarms.length > 0, 5 * MIN);
    expect(r.alarms).toMatchObject([{ code: 'SBD_MT_LOST', active: true }]);
    expect(r.frames).toHaveLength(1);
  });

  it("does not forget a frame handed over just as another one's outcome arrives", async () => {
    // However many turns the caller takes before sending again, the session loop may be at its
    // last look or past it: neither may leave the new frame unseen.
    for (let hops = 0; hops < 8; hops++) {
      const r = await rig();
      let second: SendOutcome | undefined;
      void r.link.send(message(20, 0, 1)).then(async () => {
        for (let i = 0; i < hops; i++) await null;
        second = await r.link.send(message(20, 0, 2));
      });
      await r.clock.runUntil(() => second !== undefined, 5 * MIN);
      expect(second, `after ${hops} turns`).toEqual({ ok: true, ref: '41' });
    }
  });

  it('lets a send be aborted while it waits, and after a failed session that was carrying it', async () => {
    const r = await rig({ backoff: { jitter: 0 } });
    r.modem.radio = () => 32;
    const abort = new AbortController();
    const first = send(r.link, message(30, 2, 1), 2, abort.signal);
    await r.clock.run(5 * S); // its session is under way: the abort waits for how it ends
    abort.abort();
    await r.clock.run(S);
    expect(first.outcome).toBeUndefined();
    await r.clock.run(20 * S); // it failed: the MO did not go, so the send is answered 'aborted'
    expect(first.outcome).toMatchObject({ ok: false, retry: 'later', code: 'BUSY', detail: 'aborted' });
    const later = new AbortController();
    const second = send(r.link, message(30, 2, 2), 2, later.signal);
    await r.clock.run(5 * S); // backing off: not in a session
    later.abort();
    await r.clock.run(S);
    expect(second.outcome).toMatchObject({ ok: false, code: 'BUSY', detail: 'aborted' });
    await r.clock.run(60 * MIN);
    expect(r.sessions).toHaveLength(1);
    expect(r.link.sendWindow()).toBe(64);
  });

  it('offers the core what may ride in a mailbox check of its own, and reports what it spends', async () => {
    const r = await rig();
    const extra: number[] = [];
    r.link.onExtraUnits((units) => extra.push(units));
    let offers = 0;
    let rider: { outcome?: SendOutcome } | undefined;
    r.link.onSendOpportunity(async () => {
      offers++;
      if (offers === 1) rider = send(r.link, message(30, 3, 7), 3);
    });
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x70, 1));
    await r.clock.runUntil(() => r.frames.length === 1 && rider?.outcome !== undefined, 5 * MIN);
    // The ring's session carried the rider: SBDIXA with an MO, one session for both.
    expect(r.modem.take()).toEqual(['SBDWB=30', 'SBDIXA', 'SBDRB', 'SBDD0']);
    expect(rider?.outcome).toEqual({ ok: true, ref: '40' });
    expect(extra).toEqual([1]); // the MT; the MO's credit is the core's own count
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x70, 2));
    await r.clock.runUntil(() => r.frames.length === 2, 5 * MIN);
    expect(offers).toBe(2); // nothing offered this time: an empty mailbox check
    expect(r.modem.take()).toEqual(['SBDIXA', 'SBDRB']);
    expect(extra).toEqual([1, 2]); // the check's credit and the MT's
    const a = r.network.account(r.modem.imei);
    expect(r.link.counters().credits).toBe(a.moCredits + a.mtCredits);
  });

  it('checks the mailbox once the answer to an MO sent with awaitsReply is overdue', async () => {
    const r = await rig({ replyHoldMs: [MIN, MIN, MIN, MIN], replyGraceMs: MIN });
    const asked = send(r.link, message(30, 1, 1), 1, undefined, true);
    const quiet = send(r.link, message(30, 1, 2), 1);
    await r.clock.runUntil(() => asked.outcome !== undefined && quiet.outcome !== undefined, 5 * MIN);
    await r.clock.run(10 * MIN);
    expect(r.sessions.map((s) => s.reason)).toEqual(['due', 'due', 'reply', 'reply']);
  });

  it('checks the mailbox after maxSilenceMs with nothing to send, and so finds a warning whose ring was lost', async () => {
    const r = await rig({ maxSilenceMs: 30 * MIN });
    r.network.close(); // from now on no ring alert is heard
    await r.clock.run(10 * MIN);
    r.network.queueMt(r.modem.imei, Uint8Array.of(0x70, 9));
    await r.clock.run(15 * MIN);
    expect(r.frames).toHaveLength(0); // no ring, nothing to send: it waits
    await r.clock.runUntil(() => r.frames.length === 1, 10 * MIN);
    expect(r.clock.now()).toBeLessThanOrEqual(31 * MIN);
    expect(r.sessions.map((s) => s.reason)).toEqual(['silence']);
    await r.clock.run(29 * MIN);
    expect(r.sessions).toHaveLength(1); // the next silence counts from that check
    await r.clock.run(2 * MIN);
    expect(r.sessions.map((s) => s.reason)).toEqual(['silence', 'silence']);
  });
});

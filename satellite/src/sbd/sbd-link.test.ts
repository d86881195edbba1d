/**
 * Tests for sbd-link.ts over a fake SbdModem (satellite/test/support/fake-sbd-modem.ts) and the
 * simulated Iridium network, on a stepping virtual clock: the session order of
 * protocols/iridium.md §7.1, the retry rules of §7.2, credits and mailbox checks of §7.3, alarms.
 * The same link over the AT driver, the modem simulator and a real pty runs the link contract in
 * sbd-link.contract.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteppingClock } from '../../../bench/satellite-clock.js';
import { KitError } from '../../../node/src/errors.js';
import type { InboundFrame, LinkState, SendOutcome } from '../../../node/src/link/link.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { unpackBatch } from '../../../node/src/wire/batch.js';
import { type MoDelivery, SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { FakeSbdModem } from '../../test/support/fake-sbd-modem.js';
import type { SbdAlarm } from './alarms.js';
import type { Priority } from './mo-frames.js';
import { SbdLink, type SbdLinkOptions, type SbdSessionRecord } from './sbd-link.js';

const S = 1000;
const MIN = 60 * S;

/** A message-shaped frame (b0 = 01 01 PP 0 0) of `size` bytes, tagged in its second byte. */
function message(size: number, priority: Priority, tag: number): Uint8Array {
  const f = new Uint8Array(size).fill(0x5a);
  f[0] = 0x50 | (priority << 2);
  f[1] = tag;
  return f;
}

interface Rig {
  clock: SteppingClock;
  network: SimulatedIridiumNetwork;
  modem: FakeSbdModem;
  link: SbdLink;
  mo: MoDelivery[];
  sessions: SbdSessionRecord[];
  alarms: SbdAlarm[];
  frames: InboundFrame[];
  states: LinkState[];
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    const stopping = r.link.stop();
    await r.clock.run(10 * MIN);
    await stopping;
    r.network.close();
  }
});

async function rig(options: Partial<SbdLinkOptions> = {}, network?: SimulatedIridiumNetwork): Promise<Rig> {
  const clock = new SteppingClock();
  const net = network ?? new SimulatedIridiumNetwork({ clock });
  const modem = new FakeSbdModem({ network: net, clock, momsn: 40 });
  const link = new SbdLink({ id: 'sbd0', modem, clock, random: seededRandom(3), ...options });
  const r: Rig = {
    clock,
    network: net,
    modem,
    link,
    mo: [],
    sessions: [],
    alarms: [],
    frames: [],
    states: [],
  };
  net.on('mo', (m) => r.mo.push(m));
  link.sbdEvents.on('session', (s) => r.sessions.push(s));
  link.sbdEvents.on('alarm', (a) => r.alarms.push(a));
  link.on('frame', (f) => r.frames.push(f));
  link.on('state', (s) => r.states.push(s));
  rigs.push(r);
  await link.start();
  expect(link.state.status).toBe('up');
  return r;
}

/** Sends and returns a handle whose `outcome` is filled in when the send resolves. */
function send(link: SbdLink, frame: Uint8Array, priority?: Priority, signal?: AbortSignal) {
  const handle: { outcome?: SendOutcome } = {};
  void link
    .send(frame, { ...(priority !== undefined ? { priority } : {}), ...(signal ? { signal } : {}) })
    .then((o) => {
      handle.outcome = o;
    });
  return handle;
}

const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');

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

  it('holds P1 frames and sends them in one MO, one container the core can unpack', async () => {
    const r = await rig();
    const frames = [message(20, 1, 1), message(20, 1, 2), message(20, 1, 3)];
    const handles = frames.map((f) => send(r.link, f));
    await r.clock.run(4 * MIN);
    expect(r.mo).toEqual([]); // still held
    await r.clock.runUntil(() => handles.every((h) => h.outcome), 5 * MIN);
    expect(handles.map((h) => h.outcome)).toEqual(frames.map(() => ({ ok: true, ref: '40' })));
    expect(r.mo).toHaveLength(1);
    expect(unpackBatch(r.mo[0]?.payload as Uint8Array).map(hex)).toEqual(frames.map(hex));
    expect(r.link.counters()).toMatchObject({ txFrames: 3, txBytes: 60, sessions: 1, credits: 2 });
    expect(r.network.account(r.modem.imei)).toMatchObject({ moCredits: 2, moMessages: 1 });
  });

  it("unpacks the dispatcher's batch containers and repacks everything held into one MO", async () => {
    const r = await rig();
    const [a, b, c, d] = [message(30, 1, 1), message(25, 2, 2), message(30, 1, 3), message(25, 3, 4)];
    const container = (x: Uint8Array, y: Uint8Array) =>
      Uint8Array.from([0x02, x.length, ...x, y.length, ...y]);
    const h1 = send(r.link, container(a, b), 1);
    const h2 = send(r.link, container(c, d), 1);
    await r.clock.runUntil(() => h1.outcome !== undefined && h2.outcome !== undefined, 10 * MIN);
    expect([h1.outcome, h2.outcome]).toEqual([
      { ok: true, ref: '40' },
      { ok: true, ref: '40' },
    ]);
    expect(r.mo).toHaveLength(1);
    const entries = unpackBatch(r.mo[0]?.payload as Uint8Array).map(hex);
    expect(entries).toEqual([a, c, b, d].map(hex)); // P1, P1, P2, P3
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

  it('a P0 cuts a long backoff short, joining the MO that waits, and goes 30 s after the failure', async () => {
    const r = await rig({ backoff: { jitter: 0 } });
    let down = true;
    r.modem.radio = () => (down ? 32 : undefined);
    const p1 = send(r.link, message(30, 1, 1));
    // Hold 5 min, then sessions end at 320 s, 370, 450, 590, 850 (waits 30, 60, 120, 240 s).
    await r.clock.runUntil(() => r.sessions.length === 5, 30 * MIN);
    const lastEnd = r.sessions.at(-1)?.clockAt as number;
    expect(lastEnd).toBe(850 * S);
    await r.clock.run(5 * S);
    down = false;
    const p0 = send(r.link, message(30, 0, 2)); // the next try would be at 850 + 480 s
    await r.clock.runUntil(() => p0.outcome !== undefined, 30 * MIN);
    expect(r.sessions.at(-1)?.clockAt).toBe(lastEnd + 30 * S + 20 * S);
    expect([p0.outcome?.ok, p1.outcome?.ok]).toEqual([true, true]);
    expect(r.mo).toHaveLength(1);
    expect(unpackBatch(r.mo[0]?.payload as Uint8Array).map((e) => e[1])).toEqual([2, 1]);
    // The MO changed (the P0 joined), so it was written again; never after it went.
    expect(r.modem.calls.filter((c) => c.startsWith('SBDWB'))).toEqual(['SBDWB=30', 'SBDWB=63']);
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

  it('lets a send be aborted while it is held', async () => {
    const r = await rig();
    const abort = new AbortController();
    const h = send(r.link, message(30, 2, 1), 2, abort.signal);
    await r.clock.run(MIN);
    abort.abort();
    await r.clock.run(60 * MIN);
    expect(h.outcome).toMatchObject({ ok: false, retry: 'later', detail: 'aborted' });
    expect(r.sessions).toEqual([]);
    expect(r.link.sendWindow()).toBe(64);
  });
});

describe('SbdLink alarms and budget', () => {
  it('stops on MO status 15: SBD_STOPPED, down no-service, held frames handed back, until acknowledged', async () => {
    const network = new SimulatedIridiumNetwork({ gatewayStatus: () => 15 });
    const r = await rig({}, network);
    const h = send(r.link, message(30, 0, 1));
    const held = send(r.link, message(30, 3, 2));
    await r.clock.runUntil(() => h.outcome !== undefined && held.outcome !== undefined, 5 * MIN);
    expect(h.outcome).toMatchObject({ ok: false, retry: 'later', code: 'LINK_DOWN' });
    expect(held.outcome).toMatchObject({ ok: false, retry: 'later', code: 'LINK_DOWN' });
    expect(r.alarms).toMatchObject([{ code: 'SBD_STOPPED', active: true, moStatus: 15 }]);
    expect(r.link.state).toMatchObject({ status: 'down', reason: 'no-service' });
    const states = r.states.length;
    await r.link.start(); // what the supervisor does: it stays down, without a new state event
    expect(r.link.state.status).toBe('down');
    expect(r.states).toHaveLength(states);
    expect(r.modem.started).toBe(1);
    r.link.acknowledgeAlarm('SBD_STOPPED');
    await r.clock.run(S);
    expect(r.link.state.status).toBe('up');
    expect(r.alarms.at(-1)).toMatchObject({ code: 'SBD_STOPPED', active: false });
  });

  it('raises SBD_HARDWARE on MO status 33 and goes down no-device for the hardware pause', async () => {
    const r = await rig({ stopPauseMs: { configuration: 3_600_000, hardware: 10 * MIN } });
    r.modem.radio = () => 33;
    const h = send(r.link, message(30, 0, 1));
    await r.clock.runUntil(() => h.outcome !== undefined, 5 * MIN);
    expect(r.alarms).toMatchObject([{ code: 'SBD_HARDWARE', active: true, moStatus: 33 }]);
    expect(r.link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    r.modem.radio = undefined;
    await r.clock.run(10 * MIN);
    expect(r.link.state.status).toBe('up'); // tried again after the pause
  });

  it('refuses P1 with SBD_BUDGET once the day is spent, raises 80 % and 100 % once each, and still sends P0', async () => {
    const r = await rig({ budget: { perDay: 5 } });
    const sizes = [50, 50, 50, 50, 50, 50];
    const handles = sizes.map((size, i) => send(r.link, message(size, 0, i)));
    await r.clock.runUntil(() => handles.every((h) => h.outcome), 30 * MIN);
    expect(handles.every((h) => h.outcome?.ok)).toBe(true); // P0 goes over budget
    const p1 = send(r.link, message(20, 1, 9));
    await r.clock.run(S);
    expect(p1.outcome).toMatchObject({ ok: false, retry: 'later', code: 'BUSY' });
    expect(p1.outcome?.ok === false && p1.outcome.detail).toMatch(/^SBD_BUDGET/);
    expect(r.alarms.map((a) => [a.code, a.active, a.budget?.scope])).toEqual([
      ['SBD_BUDGET_WARNING', true, 'day'],
      ['SBD_BUDGET_EXHAUSTED', true, 'day'],
    ]);
    // The first P0 went alone (1 credit); the five sent with it shared the next MO (256 bytes, 6).
    expect(r.link.creditsUsed()).toEqual({ day: 7, incident: 7 });
  });

  it('goes down port-closed when the modem stream closes, handing back what it held', async () => {
    const r = await rig();
    const h = send(r.link, message(30, 2, 1));
    r.modem.emit('closed', new Error('EIO'));
    await r.clock.run(S);
    expect(r.link.state).toMatchObject({ status: 'down', reason: 'port-closed', detail: 'EIO' });
    expect(h.outcome).toMatchObject({ ok: false, retry: 'later', code: 'LINK_DOWN' });
    expect(await r.link.send(message(10, 0, 2))).toMatchObject({ ok: false, code: 'LINK_DOWN' });
  });
});

describe('SbdLink start', () => {
  it.each([
    [new KitError('AT_TIMEOUT', 'the modem did not answer AT'), 'no-device'],
    [new KitError('AT_CLOSED', 'the AT channel closed'), 'port-closed'],
    [new Error('ENOENT /dev/ttyUSB0'), 'port-error'],
  ] as const)('resolves down with a reason when the modem does not start (%s)', async (error, reason) => {
    const clock = new SteppingClock();
    const modem = new FakeSbdModem({ network: new SimulatedIridiumNetwork({ clock }), clock });
    modem.startError = error as KitError;
    const link = new SbdLink({ id: 'sbd0', modem, clock });
    await expect(link.start()).resolves.toBeUndefined();
    expect(link.state).toMatchObject({ status: 'down', reason, detail: error.message });
    await link.stop();
  });

  it('calls a modem factory on every start, so a restart gets a fresh port', async () => {
    const clock = new SteppingClock();
    const network = new SimulatedIridiumNetwork({ clock });
    const made: FakeSbdModem[] = [];
    const link = new SbdLink({
      id: 'sbd0',
      clock,
      modem: () => {
        const m = new FakeSbdModem({ network, clock });
        made.push(m);
        return m;
      },
    });
    await link.start();
    made[0]?.emit('closed', undefined);
    expect(link.state).toMatchObject({ status: 'down', reason: 'port-closed' });
    await link.start();
    expect(link.state.status).toBe('up');
    expect(made).toHaveLength(2);
    expect(link.imei).toBe('300434060000001');
    await link.stop();
  });

  it('offers signal quality and Iridium time as optional capabilities', async () => {
    const r = await rig();
    expect(await r.link.signalQuality()).toBeCloseTo(0.8);
    expect(await r.link.networkTime()).toEqual({ time: Date.UTC(2026, 6, 14), source: 'iridium' });
  });
});

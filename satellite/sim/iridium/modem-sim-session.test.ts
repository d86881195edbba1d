/**
 * Sessions in the modem simulator: §7.4 checklist items 5 (buffers and sequence numbers) and 6
 * (size limits), and the sky deciding whether a session reaches the gateway.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSbdix, parseSbds } from '../../src/at/at-responses.js';
import { withChecksum } from '../../src/at/sbd-checksum.js';
import { type SimRig, simRig } from './modem-sim-rig.js';
import { constantSky, windowSky } from './modem-sim-sky.js';

const quick = { echo: false, sessionMs: [1_000, 1_000] as const, noServiceMs: [500, 500] as const };

async function sbdix(r: SimRig, a = ''): Promise<ReturnType<typeof parseSbdix>> {
  await r.send(`AT+SBDIX${a}\r`);
  await r.advance(1_000);
  const line = r
    .take()
    .split('\r\n')
    .find((l) => l.startsWith('+SBDIX'));
  if (line === undefined) throw new Error('no +SBDIX line');
  return parseSbdix(line);
}

async function sbds(r: SimRig): Promise<ReturnType<typeof parseSbds>> {
  await r.send('AT+SBDS\r');
  const line = r
    .take()
    .split('\r\n')
    .find((l) => l.startsWith('+SBDS'));
  if (line === undefined) throw new Error('no +SBDS line');
  return parseSbds(line);
}

async function writeMo(r: SimRig, payload: Uint8Array): Promise<void> {
  await r.send(`AT+SBDWB=${payload.length}\r`);
  await r.send(withChecksum(payload));
  expect(r.take()).toBe('READY\r\n0\r\n\r\nOK\r\n');
}

describe('§7.4 item 5: buffers, MOMSN, MTMSN', () => {
  it('the MO buffer survives a successful SBDIX: the next session sends it again', async () => {
    const r = simRig(quick);
    await writeMo(r, Buffer.from('report'));
    await sbdix(r);
    await sbdix(r);
    expect(r.network.delivered.map((d) => [d.momsn, Buffer.from(d.payload).toString()])).toEqual([
      [0, 'report'],
      [1, 'report'],
    ]);
    await r.send('AT+SBDD0\r');
    r.take();
    await sbdix(r);
    expect(r.network.sessions[2]?.mo).toBeUndefined();
  });

  it('the MT buffer is cleared when a session starts, even a failed one', async () => {
    const r = simRig(quick);
    r.network.queueMt(r.sim.imei, Buffer.from('warn'));
    expect(await sbdix(r)).toMatchObject({ mtStatus: 1, mtLength: 4 });
    expect((await sbds(r)).mtFlag).toBe(1);
    r.sim.faults.failNextSessions(32);
    await r.send('AT+SBDIX\r');
    expect(r.sim.state.mt).toBeUndefined();
    await r.advance(1_000);
    r.take();
    await r.send('AT+SBDRB\r');
    expect(r.takeBytes()).toEqual(Buffer.from('\x00\x00\x00\x00\r\nOK\r\n', 'latin1'));
  });

  it('success increments the MOMSN with or without a payload; failure leaves it', async () => {
    const r = simRig({ ...quick, momsn: 65534 });
    expect((await sbdix(r)).momsn).toBe(65534); // mailbox check, empty MO buffer
    expect((await sbds(r)).momsn).toBe(65535);
    r.sim.faults.failNextSessions(18);
    expect(await sbdix(r)).toMatchObject({ moStatus: 18, momsn: 65535, mtStatus: 2 });
    expect((await sbds(r)).momsn).toBe(65535);
    expect((await sbdix(r)).momsn).toBe(65535);
    expect((await sbds(r)).momsn).toBe(0); // wraps
  });

  it('MTMSN is −1 in SBDS when the MT buffer is empty', async () => {
    const r = simRig(quick);
    expect(await sbds(r)).toEqual({ moFlag: 0, momsn: 0, mtFlag: 0, mtmsn: -1 });
  });

  it('the MOMSN persists across power cycles and, with a file, across simulator runs', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modem-sim-')), 'momsn');
    const r = simRig({ ...quick, momsnFile: file, momsn: 41 });
    await sbdix(r);
    expect(readFileSync(file, 'utf8').trim()).toBe('42');
    r.sim.powerCycle();
    await r.send('ATE0\r');
    r.take();
    expect((await sbds(r)).momsn).toBe(42);
    const again = simRig({ ...quick, momsnFile: file, momsn: 0 });
    expect((await sbds(again)).momsn).toBe(42);
  });

  it('the MO buffer is lost on power-off, the MOMSN is not', async () => {
    const r = simRig(quick);
    await writeMo(r, Buffer.from('x'));
    await sbdix(r);
    r.sim.powerCycle();
    await r.send('ATE0\r');
    r.take();
    expect(await sbds(r)).toEqual({ moFlag: 0, momsn: 1, mtFlag: 0, mtmsn: -1 });
  });
});

describe('§7.4 item 6: size limits', () => {
  it('an MT over 270 bytes: MO status 1, nothing delivered, and it stays queued', async () => {
    const r = simRig(quick);
    r.network.queueMt(r.sim.imei, new Uint8Array(271));
    r.network.queueMt(r.sim.imei, Buffer.from('behind'));
    expect(await sbdix(r)).toMatchObject({ moStatus: 1, mtStatus: 0, mtLength: 0, mtQueued: 2 });
    // Stuck at the head of the queue: every later session says the same, nothing gets through.
    expect(await sbdix(r)).toMatchObject({ moStatus: 1, mtStatus: 0, mtQueued: 2 });
    expect(r.sim.state.mt).toBeUndefined();
  });

  it('an MT of exactly 270 bytes is delivered', async () => {
    const r = simRig(quick);
    r.network.queueMt(r.sim.imei, new Uint8Array(270).fill(7));
    expect(await sbdix(r)).toMatchObject({ moStatus: 0, mtStatus: 1, mtLength: 270 });
  });

  it('an MO over 340 bytes is refused at SBDWB with 3 (and 340 accepted)', async () => {
    const r = simRig(quick);
    await r.send('AT+SBDWB=341\r');
    expect(r.take()).toBe('3\r\n\r\nOK\r\n');
    await writeMo(r, new Uint8Array(340).fill(0xff));
    expect(r.sim.state.mo?.length).toBe(340);
  });
});

describe('the sky decides whether a session reaches the gateway', () => {
  it('no satellite in view: 32 after a few seconds, nothing at the gateway', async () => {
    const r = simRig({ ...quick, sky: constantSky(0) });
    await r.send('AT+SBDIX\r');
    await r.advance(499);
    expect(r.take()).toBe('');
    await r.advance(1);
    expect(parseSbdix(r.take().trim().split('\r\n')[0] ?? '')).toMatchObject({ moStatus: 32, mtStatus: 2 });
    expect(r.network.sessions).toEqual([]);
  });

  it('windows: success inside, 32 outside, 18 when the satellite sets during the session', async () => {
    const r = simRig({ ...quick, sky: windowSky([{ from: 10_000, to: 20_500, signal: 3 }]) });
    expect((await sbdix(r)).moStatus).toBe(32);
    await r.advance(10_000 - r.clock.now());
    expect((await sbdix(r)).moStatus).toBe(0);
    await r.advance(19_800 - r.clock.now());
    expect((await sbdix(r)).moStatus).toBe(18);
  });

  it('a session takes seconds of simulated time, as configured', async () => {
    const r = simRig({ echo: false, sessionMs: [8_000, 12_000] });
    await r.send('AT+SBDIX\r');
    await r.advance(7_999);
    expect(r.take()).toBe('');
    await r.advance(4_001);
    expect(r.take()).toContain('+SBDIX: 0, 0,');
  });

  it('a gateway-side failure (35) leaves the MOMSN unchanged', async () => {
    const r = simRig(quick);
    r.network.failNextSessions(35);
    expect(await sbdix(r)).toMatchObject({ moStatus: 35, momsn: 0, mtStatus: 2 });
    expect((await sbdix(r)).momsn).toBe(0);
  });

  it('SBDIXA runs the same session and clears the RA flag that a ring set', async () => {
    const r = simRig({ ...quick, ringAlerts: true });
    r.network.queueMt(r.sim.imei, Buffer.from('x'));
    await r.advance(0);
    expect(r.take()).toBe('SBDRING\r\n');
    await r.send('AT+SBDSX\r');
    expect(r.take()).toContain('+SBDSX: 0, 0, 0, -1, 1, 0');
    expect(await sbdix(r, 'A')).toMatchObject({ moStatus: 0, mtStatus: 1 });
    await r.send('AT+SBDSX\r');
    expect(r.take()).toContain('+SBDSX: 0, 1, 1, 1, 0, 0');
  });
});

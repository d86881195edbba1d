/** Fault injection in the modem simulator: §7.4 checklist item 8. */
import { describe, expect, it } from 'vitest';
import { parseSbdix } from '../../src/at/at-responses.js';
import { withChecksum } from '../../src/at/sbd-checksum.js';
import { type SimRig, simRig } from './modem-sim-rig.js';

const quick = { echo: false, sessionMs: [1_000, 1_000] as const, noServiceMs: [500, 500] as const };

async function sbdixStatus(r: SimRig): Promise<number> {
  await r.send('AT+SBDIX\r');
  await r.advance(1_000);
  const line = r
    .take()
    .split('\r\n')
    .find((l) => l.startsWith('+SBDIX'));
  return parseSbdix(line ?? '').moStatus;
}

describe('§7.4 item 8: fault injection', () => {
  it('scripted MO statuses 32, 35, 18, 13, 36, 38 in order, then normal service', async () => {
    const r = simRig(quick);
    r.sim.faults.failNextSessions(32, 35, 18, 13, 36, 38);
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) seen.push(await sbdixStatus(r));
    expect(seen).toEqual([32, 35, 18, 13, 36, 38, 0]);
    expect(r.network.sessions).toHaveLength(1);
  });

  it('SBDIX hang: no answer until the hang time, then 17', async () => {
    const r = simRig({ ...quick, hangMs: 300_000 });
    r.sim.faults.failNextSessions('hang');
    await r.send('AT+SBDIX\r');
    await r.advance(299_999);
    expect(r.take()).toBe('');
    await r.send('AT\r'); // dropped: the modem is busy
    await r.advance(1);
    expect(r.take()).toBe('\r\n+SBDIX: 17, 0, 2, 0, 0, 0\r\n\r\nOK\r\n');
  });

  it('AT+SBDST bounds a hung (or long) session: 17 at the limit', async () => {
    const r = simRig({ ...quick, sessionMs: [120_000, 120_000] });
    await r.send('AT+SBDST=60\r');
    r.take();
    r.sim.faults.failNextSessions('hang');
    await r.send('AT+SBDIX\r');
    await r.advance(60_000);
    expect(r.take()).toBe('\r\n+SBDIX: 17, 0, 2, 0, 0, 0\r\n\r\nOK\r\n');
    await r.send('AT+SBDIX\r');
    await r.advance(60_000);
    expect(r.take()).toContain('+SBDIX: 17, 0, 2');
    expect(r.network.sessions).toHaveLength(0);
  });

  it('SBDWB partial write: a byte lost on the line → 1 after 60 s, no OK, MO buffer unchanged', async () => {
    const r = simRig(quick);
    r.sim.faults.dropSbdwbBytes(1);
    await r.send('AT+SBDWB=5\r');
    await r.send(withChecksum(Buffer.from('hello')));
    expect(r.take()).toBe('READY\r\n');
    await r.advance(60_000);
    expect(r.take()).toBe('1\r\n');
    expect(r.sim.state.mo).toBeUndefined();
    await r.send('AT+SBDWB=5\r');
    await r.send(withChecksum(Buffer.from('hello')));
    expect(r.take()).toBe('READY\r\n0\r\n\r\nOK\r\n');
  });

  it('lost SBDRING: the first ring is not heard, the second one 20 s later is', async () => {
    const r = simRig({ ...quick, ringAlerts: true });
    r.sim.faults.loseNextRings(1);
    r.network.queueMt(r.sim.imei, Buffer.from('w'));
    await r.advance(19_999);
    expect(r.take()).toBe('');
    await r.advance(1);
    expect(r.take()).toBe('SBDRING\r\n');
  });

  it('second ring alert at +20 s only if the MT is still queued', async () => {
    const r = simRig({ ...quick, ringAlerts: true });
    r.network.queueMt(r.sim.imei, Buffer.from('w'));
    await r.advance(0);
    expect(r.take()).toBe('SBDRING\r\n');
    await r.advance(20_000);
    expect(r.take()).toBe('SBDRING\r\n');
    await r.advance(60_000);
    expect(r.take()).toBe('');
    // Fetch it; then a new MT rings once, and answering within 20 s stops the second ring.
    await r.send('AT+SBDIXA\r');
    await r.advance(1_000);
    expect(r.take()).toContain('+SBDIX: 0, 0, 1, 1, 1, 0');
    r.network.queueMt(r.sim.imei, Buffer.from('v'));
    await r.advance(0);
    expect(r.take()).toBe('SBDRING\r\n');
    await r.send('AT+SBDIXA\r');
    await r.advance(20_000);
    expect(r.take()).toBe('\r\n+SBDIX: 0, 1, 1, 2, 1, 0\r\n\r\nOK\r\n');
  });

  it('CSQ latency of 2–20 s, scripted and random', async () => {
    const r = simRig({ ...quick });
    r.sim.faults.delayNextCsq(15_000);
    await r.send('AT+CSQ\r');
    await r.advance(14_999);
    expect(r.take()).toBe('');
    await r.advance(1);
    expect(r.take()).toBe('\r\n+CSQ:4\r\n\r\nOK\r\n');

    const slow = simRig({ ...quick, faults: { slowCsq: 1 } });
    for (let i = 0; i < 5; i++) {
      await slow.send('AT+CSQ\r');
      await slow.advance(1_999);
      expect(slow.take()).toBe('');
      await slow.advance(18_001);
      expect(slow.take()).toContain('+CSQ:');
    }
  });

  it('power-up silence: nothing is answered until it ends', async () => {
    const r = simRig({ ...quick, powerUpSilenceMs: 30_000 });
    await r.send('AT\r');
    await r.advance(29_999);
    await r.send('AT\r');
    expect(r.take()).toBe('');
    await r.advance(1);
    await r.send('AT\r');
    expect(r.take()).toBe('\r\nOK\r\n');
    r.sim.powerCycle({ silenceMs: 10_000 });
    await r.send('AT\r');
    expect(r.take()).toBe('');
  });

  it('random faults with a seed are repeatable and roughly as frequent as asked', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const r = simRig({
        ...quick,
        seed,
        faults: { sessionFailure: 0.5, sessionFailureStatuses: [32, 35, 18] },
      });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push(await sbdixStatus(r));
      return out;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
    const failures = a.filter((s) => s !== 0);
    expect(failures.length).toBeGreaterThan(8);
    expect(failures.length).toBeLessThan(32);
    expect(new Set(failures)).toEqual(new Set([32, 35, 18]));
  });

  it('a scripted failure status outside 5–255 is a programmer error', () => {
    const r = simRig(quick);
    expect(() => r.sim.faults.failNextSessions(0)).toThrow(RangeError);
  });
});

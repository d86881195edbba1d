/**
 * The SBD link on a modem that is not exactly a 9603 (docs/iridium.md §7.1 "Required and optional
 * commands"): the simulator's MINIMAL_MODEM answers ERROR to AT+CGMR, AT+CSQ and AT-MSSTM, as
 * emulators and some firmware do. The link must come up, send and receive, say "unknown" for the
 * signal and nothing for the time, and log each refusal once for its life, not once per start.
 * Real AT driver, modem simulator on an in-process duplex pair, a RealClock sped up 1000×.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../../node/src/link/clock.js';
import type { InboundFrame } from '../../../node/src/link/link.js';
import { MINIMAL_MODEM } from '../../sim/iridium/modem-sim-profiles.js';
import { type DriverLinkRig, driverLinkRig } from '../../test/support/driver-link-rig.js';

const rigs: DriverLinkRig<RealClock>[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => Buffer.from(b).toString();

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('SBD link on a modem without AT+CGMR, AT+CSQ and AT-MSSTM', () => {
  it('comes up, sends and receives; signal unknown, no network time; each refusal logged once across restarts', async () => {
    const r = driverLinkRig(new RealClock(1000), { modem: { ...MINIMAL_MODEM, sessionMs: [5_000, 10_000] } });
    rigs.push(r);
    const frames: InboundFrame[] = [];
    r.link.on('frame', (f) => frames.push(f));

    await r.link.start();
    expect(r.link.state.status).toBe('up');
    expect(r.link.imei).toBe(r.sim.imei);
    for (let i = 0; i < 2; i++) {
      expect(await r.link.signalQuality()).toBeUndefined();
      expect(await r.link.networkTime()).toBeUndefined();
    }

    // +SBDIX still says whether the message went, and brings the MT waiting at the gateway.
    r.network.queueMt(r.sim.imei, bytes('warning down'));
    await expect(r.link.send(bytes('report up'), { priority: 0 })).resolves.toMatchObject({ ok: true });
    expect(r.network.delivered.map((d) => text(d.payload))).toEqual(['report up']);
    await until('the MT frame', () => frames.length === 1);
    expect(text(frames[0]?.bytes ?? new Uint8Array())).toBe('warning down');

    // The port goes away; the supervisor's start() makes a new driver, which meets the refusals again.
    r.unplug();
    await until('the link down', () => r.link.state.status === 'down');
    expect(r.link.state).toMatchObject({ reason: 'port-closed' });
    await r.link.start();
    expect(r.link.state.status).toBe('up');
    expect(await r.link.signalQuality()).toBeUndefined();
    expect(await r.link.networkTime()).toBeUndefined();
    await expect(r.link.send(bytes('second report'), { priority: 0 })).resolves.toMatchObject({ ok: true });

    // Each driver asks once and then knows: no AT+CSQ or AT-MSSTM per question.
    expect(r.drivers()).toBe(2);
    const count = (c: string) => r.commands().filter((x) => x === c).length;
    expect([count('AT+CGMR'), count('AT+CSQ'), count('AT-MSSTM')]).toEqual([2, 2, 2]);
    // And the link says so once each, not once per start.
    const refusals = r.lines
      .filter((l) => l.msg.includes('which only informs'))
      .map((l) => (JSON.parse(l.text) as { command: string }).command);
    expect(refusals.sort()).toEqual(['AT+CGMR', 'AT+CSQ', 'AT-MSSTM']);
  });
});

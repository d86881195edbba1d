/**
 * Tests for sbd-link.ts: stop and hardware alarms (docs/iridium.md §7.2 "stop and alert") and the
 * pause that holds the link down (the supervisor, not the link, starts it again), the port
 * closing, and start-up failures with their down reasons. The credit budget is the core's
 * (node/src/core/dispatcher-satellite.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { KitError } from '../../../node/src/base/errors.js';
import { SteppingClock } from '../../../node/src/link/clock.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { FakeSbdModem } from '../../test/support/fake-sbd-modem.js';
import { MIN, message, rig, S, send, stopRigsAfterEach } from '../../test/support/sbd-link-rig.js';
import { SbdLink } from './sbd-link.js';

stopRigsAfterEach();

describe('SbdLink alarms', () => {
  it('stops on MO status 15: SBD_STOPPED, down no-service, pending frames handed back, held down until acknowledged', async () => {
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
    await r.clock.run(60 * MIN);
    await r.link.start(); // still within the 6 h pause
    expect([r.link.state.status, r.modem.started]).toEqual(['down', 1]);
    r.link.acknowledgeAlarm('SBD_STOPPED');
    await r.clock.run(S);
    expect(r.link.state.status).toBe('down'); // the link never starts itself
    expect(r.alarms.at(-1)).toMatchObject({ code: 'SBD_STOPPED', active: false });
    await r.link.start(); // the supervisor's next try
    expect(r.link.state.status).toBe('up');
  });

  it('raises SBD_HARDWARE on MO status 33 and stays down no-device for the hardware pause', async () => {
    const r = await rig({ stopPauseMs: { configuration: 3_600_000, hardware: 10 * MIN } });
    r.modem.radio = () => 33;
    const h = send(r.link, message(30, 0, 1));
    await r.clock.runUntil(() => h.outcome !== undefined, 5 * MIN);
    expect(r.alarms).toMatchObject([{ code: 'SBD_HARDWARE', active: true, moStatus: 33 }]);
    expect(r.link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    r.modem.radio = undefined;
    const pausedAt = r.clock.now();
    await r.clock.run(5 * MIN);
    await r.link.start(); // the supervisor tries within the pause: held down
    expect(r.link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    await r.clock.run(pausedAt + 10 * MIN - r.clock.now());
    expect(r.link.state.status).toBe('down'); // the pause ended; the link does not start itself
    await r.link.start(); // the supervisor's next try
    expect(r.link.state.status).toBe('up');
    expect(r.modem.started).toBe(2);
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

  it('closes the last modem before the factory opens the port again (a port stays locked while open)', async () => {
    const clock = new SteppingClock();
    const network = new SimulatedIridiumNetwork({ clock });
    const made: Array<{ modem: FakeSbdModem; closed: boolean }> = [];
    const closedBeforeNext: boolean[] = [];
    const link = new SbdLink({
      id: 'sbd0',
      clock,
      modem: () => {
        const last = made.at(-1);
        if (last) closedBeforeNext.push(last.closed);
        const entry = { modem: new FakeSbdModem({ network, clock }), closed: false };
        const close = entry.modem.close.bind(entry.modem);
        entry.modem.close = async () => {
          entry.closed = true;
          await close();
        };
        // The first two modems do not answer (asleep, unpowered): start fails, the port stays open.
        if (made.length < 2)
          entry.modem.start = async () => {
            throw new KitError('AT_TIMEOUT', 'no answer to AT');
          };
        made.push(entry);
        return entry.modem;
      },
    });
    await link.start();
    expect(link.state.status).toBe('down');
    await link.start();
    await link.start();
    expect(link.state.status).toBe('up');
    expect(closedBeforeNext).toEqual([true, true]);
    await link.stop();
  });

  it('offers signal quality and Iridium time as optional capabilities', async () => {
    const r = await rig();
    expect(await r.link.signalQuality()).toBeCloseTo(0.8);
    expect(await r.link.networkTime()).toEqual({ time: Date.UTC(2026, 6, 14), source: 'iridium' });
  });
});

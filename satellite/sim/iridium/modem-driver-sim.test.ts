/**
 * The modem driver against the modem simulator, end to end over an in-process duplex pair, on a
 * RealClock sped up 1000× (a 20 s session takes 20 ms): start-up, MO with MOMSN increments, MT on
 * MT status 1, ring alert → SBDIXA, and faults seen through the driver.
 */
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { RealClock, VirtualClock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { ModemDriver, type ModemDriverOptions } from '../../src/modem/modem-driver.js';
import { runSbdExchange } from '../../src/modem/sbd-exchange.js';
import { IridiumModemSim, type ModemSimOptions } from './modem-sim.js';
import { windowSky } from './modem-sim-sky.js';
import { ScriptedNetwork } from './scripted-network.js';

const SPEEDUP = 1000;

function pair(sim: Partial<ModemSimOptions> = {}, driver: Partial<ModemDriverOptions> = {}) {
  const clock = new RealClock(SPEEDUP);
  const network = new ScriptedNetwork({ clock });
  const modem = new IridiumModemSim({ clock, network, sessionMs: [5_000, 20_000], ...sim });
  const [host, device] = createDuplexPair();
  modem.attach(device);
  const d = new ModemDriver({
    port: host,
    pollIntervalMs: 5,
    pollTimeoutMs: 200,
    powerUpTimeoutMs: 5_000,
    commandTimeoutMs: 2_000,
    sessionTimeoutMs: 3_000,
    writeTimeoutMs: 2_000,
    signalTimeoutMs: 2_000,
    ...driver,
  });
  return { clock, network, modem, driver: d };
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString();

describe('driver ↔ simulator over createDuplexPair', () => {
  it('starts: IMEI and firmware from the simulator, echo turned off', async () => {
    const { driver, modem } = pair({ imei: '300234010753370' });
    const info = await driver.start();
    expect(info.imei).toBe('300234010753370');
    expect(info.firmware).toContain('Call Processor Version: TA16005');
    expect(modem.state.echo).toBe(false);
    expect(modem.state.cier).toMatchObject({ mode: 1, signal: true, service: true });
    await driver.close();
  });

  it('write MO, session: MOMSN increments, the gateway has the message, SBDD0 empties the buffer', async () => {
    const { driver, modem, network } = pair();
    await driver.start();
    const first = await runSbdExchange(driver, { payload: bytes('report 1') });
    const second = await runSbdExchange(driver, { payload: bytes('report 2') });
    expect(first.outcome).toEqual({ kind: 'success' });
    expect([first.session.momsn, second.session.momsn]).toEqual([0, 1]);
    expect(network.delivered.map((d) => [d.momsn, text(d.payload)])).toEqual([
      [0, 'report 1'],
      [1, 'report 2'],
    ]);
    expect(modem.state.mo).toBeUndefined();
    await driver.close();
  });

  it('MT status 1: the MT is read with SBDRB before anything else', async () => {
    const { driver, network, modem } = pair();
    await driver.start();
    const payload = Buffer.from('\r\nOK\r\nSBDRING\r\n\x00warning\x00', 'latin1');
    network.queueMt(modem.imei, payload);
    network.queueMt(modem.imei, bytes('second'));
    const r = await runSbdExchange(driver, { payload: bytes('ack') });
    expect(r.session).toMatchObject({ mtStatus: 1, mtmsn: 1, mtLength: payload.length, mtQueued: 1 });
    expect(Buffer.from(r.mt ?? [])).toEqual(payload);
    const next = await runSbdExchange(driver);
    expect(text(next.mt)).toBe('second');
    expect(next.session.mtQueued).toBe(0);
    await driver.close();
  });

  it('ring alert → ring event → SBDIXA brings the MT', async () => {
    const { driver, network, modem } = pair({}, { ringAlerts: true });
    await driver.start();
    expect(modem.state.ringAlerts).toBe(true);
    const ring = new Promise<void>((resolve) => driver.once('ring', resolve));
    network.queueMt(modem.imei, bytes('evacuate'));
    await ring;
    const r = await runSbdExchange(driver, { answerRing: true });
    expect(text(r.mt)).toBe('evacuate');
    expect(network.sessions).toHaveLength(1);
    await driver.close();
  });

  it('signal and service events follow the sky through +CIEV', async () => {
    // On a VirtualClock the sky changes exactly when the test says, however loaded the machine is.
    const clock = new VirtualClock();
    const network = new ScriptedNetwork({ clock });
    const modem = new IridiumModemSim({
      clock,
      network,
      sky: windowSky([{ from: 0, to: 2_000, signal: 3 }]),
    });
    const [host, device] = createDuplexPair();
    modem.attach(device);
    const driver = new ModemDriver({ port: host, commandTimeoutMs: 2_000, signalTimeoutMs: 2_000 });
    const events: string[] = [];
    driver.on('signal', (n) => events.push(`signal ${n}`));
    driver.on('service', (s) => events.push(`service ${s}`));
    await driver.start();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['signal 3', 'service true']);
    const dark = new Promise<void>((resolve) => driver.on('service', (s) => !s && resolve()));
    clock.advance(2_000);
    await dark;
    expect(events).toEqual(['signal 3', 'service true', 'signal 0', 'service false']);
    expect(await driver.networkTime()).toBeUndefined();
    // +CSQ and the session take simulated seconds: keep the clock moving while the driver waits.
    const pump = setInterval(() => clock.advance(1_000), 1);
    try {
      expect(await driver.signalQuality()).toBe(0);
      const r = await runSbdExchange(driver, { payload: bytes('x') });
      expect(r.session.moStatus).toBe(32);
      expect(r.outcome.kind).toBe('transient');
    } finally {
      clearInterval(pump);
    }
    await driver.close();
  });

  it('power-up silence: start() polls until the modem answers', async () => {
    const { driver } = pair({ powerUpSilenceMs: 30_000 });
    const started = Date.now();
    await expect(driver.start()).resolves.toMatchObject({ imei: '300534060000001' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await driver.close();
  });

  it('a hung session: AT_TIMEOUT without SBDST, MO status 17 with it', async () => {
    const hung = pair({ hangMs: 10_000_000 }, { sessionTimeoutMs: 100 });
    await hung.driver.start();
    hung.modem.faults.failNextSessions('hang');
    await expect(hung.driver.session()).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
    await hung.driver.close();

    // SBDST counts simulated seconds (60 s = 60 ms here); the driver's own timeout is real time.
    const bounded = pair({ hangMs: 10_000_000 }, { sbdSessionTimeoutS: 60, sessionTimeoutMs: 61_000 });
    await bounded.driver.start();
    bounded.modem.faults.failNextSessions('hang');
    await expect(bounded.driver.session()).resolves.toMatchObject({ moStatus: 17 });
    await bounded.driver.close();
  });

  it('faults through the driver: SBDWB partial write → result 1; scripted MO statuses classified', async () => {
    const { driver, modem } = pair({}, { writeTimeoutMs: 5_000 });
    await driver.start();
    modem.faults.dropSbdwbBytes(1);
    const err = await driver.writeMo(bytes('hello')).catch((e: unknown) => e);
    expect(isKitError(err, 'AT_ERROR') && (err as { result?: number }).result).toBe(1);
    modem.faults.failNextSessions(36, 38, 16);
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push((await runSbdExchange(driver, { payload: bytes('x') })).outcome);
    expect(kinds).toEqual([
      { kind: 'transient', minBackoffMs: 180_000 },
      { kind: 'transient', minBackoffMs: 600_000 },
      { kind: 'stop', alarm: 'configuration', detail: expect.stringContaining('16') },
    ]);
    await driver.close();
  });

  it('works with the driver keeping echo on', async () => {
    const { driver, modem } = pair({}, { echo: true });
    await driver.start();
    expect(modem.state.echo).toBe(true);
    const r = await runSbdExchange(driver, { payload: Buffer.from('AT+SBDIX\r\nOK\r\n') });
    expect(r.session.moStatus).toBe(0);
    expect(await driver.signalQuality()).toBe(4);
    await driver.close();
  });
});

/**
 * The modem driver and the simulator over a real pseudo-terminal pair (socat), both ends opened
 * with the real `serialport` package: the serial path as in the field, minus the USB adapter.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../../node/src/link/clock.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { ModemDriver } from '../../src/modem/modem-driver.js';
import { runSbdExchange } from '../../src/modem/sbd-exchange.js';
import { type PtyModem, startPtyModem } from './pty-modem.js';
import { ScriptedNetwork } from './scripted-network.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

async function openHost(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 19200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

describe.skipIf(socat === undefined)('driver ↔ simulator over a socat pty through serialport', () => {
  let modem: PtyModem | undefined;
  afterEach(async () => {
    await modem?.close();
    modem = undefined;
  });

  it('start, write MO, session (MOMSN increments), MT on MT status 1, ring → SBDIXA', async () => {
    const clock = new RealClock(1000);
    const network = new ScriptedNetwork({ clock });
    const link = join(mkdtempSync(join(tmpdir(), 'iridium-pty-')), 'modem');
    modem = await startPtyModem({ clock, network, linkPath: link, sessionMs: [5_000, 20_000] });
    expect(modem.hostPath).toBe(link);
    const driver = new ModemDriver({
      port: await openHost(modem.hostPath),
      ringAlerts: true,
      pollIntervalMs: 10,
      pollTimeoutMs: 100,
      powerUpTimeoutMs: 3_000,
      commandTimeoutMs: 1_000,
      sessionTimeoutMs: 2_000,
    });
    const info = await driver.start();
    expect(info.imei).toBe(modem.sim.imei);

    const a = await runSbdExchange(driver, { payload: Buffer.from('\r\nOK\r\n\x00', 'latin1') });
    const b = await runSbdExchange(driver, { payload: bytes('second') });
    expect([a.session.momsn, b.session.momsn]).toEqual([0, 1]);
    expect(network.delivered.map((d) => Buffer.from(d.payload).toString('latin1'))).toEqual([
      '\r\nOK\r\n\x00',
      'second',
    ]);

    network.queueMt(modem.sim.imei, bytes('mt one'));
    await new Promise<void>((resolve) => driver.once('ring', resolve));
    const c = await runSbdExchange(driver, { answerRing: true });
    expect(c.session).toMatchObject({ mtStatus: 1, mtLength: 6 });
    expect(Buffer.from(c.mt ?? []).toString()).toBe('mt one');
    await driver.close();
  });

  it('the host end can be closed and opened again (socat keeps running)', async () => {
    const clock = new RealClock(1000);
    modem = await startPtyModem({ clock, network: new ScriptedNetwork({ clock }) });
    for (let i = 0; i < 2; i++) {
      const driver = new ModemDriver({ port: await openHost(modem.hostPath), commandTimeoutMs: 1_000 });
      await expect(driver.signalQuality()).resolves.toBe(4);
      await driver.close();
    }
  });
});

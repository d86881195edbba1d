/**
 * `fieldnode radio apply` against the simulated radio as the kit reaches a real one
 * (docs/profiles.md §Tests): on real pseudo-terminals made by socat and opened through the real
 * serialport package, named by a /dev/serial/by-id style link, behind a UART bridge (the port
 * stays, `rebooted` comes) and on native USB (the port vanishes and comes back); and over the
 * simulator's TCP API, as meshtasticd.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { parseMisreport } from '../../sim/meshtastic/misreport.js';
import { PtyDevice } from '../../sim/meshtastic/pty-device.js';
import { MeshtasticTcpServer } from '../../sim/meshtastic/tcp-server.js';
import { DeviceRole, RebroadcastMode } from '../meshtastic/constants.js';
import { SerialTransport } from '../transports/serial-transport.js';
import { TcpTransport } from '../transports/tcp-transport.js';
import { applyProfile, verifyProfile } from './profile-apply.js';
import { RadioConnection } from './radio-connection.js';
import { FAST, KIT_FIELDS, profileOf, type SimRadioOptions, simDevice } from './test/sim-radio.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

const GATEWAY = profileOf({ ...KIT_FIELDS, 'device.role': 'ROUTER', 'lora.hop_limit': 4 });
const BY_ID = 'usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0';

let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-radio-apply-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

/** The device on a pty, and a by-id link to its host end, as udev makes one. */
async function onPty(o: SimRadioOptions) {
  const device = simDevice(o);
  const pty = new PtyDevice({ device, hostPath: join(dir, 'ttyUSB0') });
  await pty.open();
  device.start();
  cleanups.push(async () => {
    device.stop();
    await pty.close();
  });
  await mkdir(join(dir, 'by-id'));
  const byId = join(dir, 'by-id', BY_ID);
  await symlink(pty.hostPath, byId);
  const radio = new RadioConnection({
    ...FAST,
    transport: new SerialTransport({ path: byId, presenceCheckMs: 20 }),
  });
  cleanups.push(() => radio.close());
  return { device, radio, byId };
}

describe.skipIf(socat === undefined)('on a pseudo-terminal named by a /dev/serial/by-id link', () => {
  it('behind a UART bridge: a gateway profile with its role change, two writes, each ending in `rebooted`', async () => {
    const { device, radio } = await onPty({ transport: 'uart' });
    const report = await applyProfile(radio, GATEWAY);
    expect(report.ok).toBe(true);
    expect(report.writes.map((w) => [w.purpose, w.seen])).toEqual([
      ['role-change', 'rebooted'],
      ['settings', 'rebooted'],
    ]);
    expect([device.settings.role, device.settings.rebroadcastMode, device.settings.hopLimit]).toEqual([
      DeviceRole.ROUTER,
      RebroadcastMode.ALL,
      4,
    ]);
  });

  it('on native USB the port vanishes at the reboot and the by-id name is opened again when it is back', async () => {
    const { device, radio } = await onPty({ transport: 'native-usb' });
    const report = await applyProfile(radio, GATEWAY);
    expect(report.writes.map((w) => w.seen)).toEqual(['reconnected', 'reconnected']);
    expect(report.ok).toBe(true);
    expect(device.rebootCount).toBe(3);
    await radio.close();
    expect((await verifyProfile(radio, GATEWAY)).ok).toBe(true);
  });

  it('a deliberately wrong read-back is refused: the report is not ok and names the field', async () => {
    const { radio } = await onPty({
      transport: 'uart',
      misreport: [parseMisreport('device.rebroadcast_mode=NONE')],
    });
    const report = await applyProfile(radio, GATEWAY);
    expect(report.ok).toBe(false);
    expect(report.fields.filter((f) => f.status === 'mismatch').map((f) => [f.field, f.after])).toEqual([
      ['device.rebroadcast_mode', RebroadcastMode.NONE],
    ]);
  });
});

describe("over the simulator's TCP API (meshtasticd)", () => {
  it('applies across the reboot, which closes the socket, and verify agrees afterwards', async () => {
    const device = simDevice({ transport: 'tcp' });
    device.start();
    const server = new MeshtasticTcpServer({ device, port: 0 });
    const { port } = await server.listen();
    cleanups.push(async () => {
      await server.close();
      device.stop();
    });
    const radio = new RadioConnection({ ...FAST, transport: new TcpTransport({ host: '127.0.0.1', port }) });
    cleanups.push(() => radio.close());
    const report = await applyProfile(radio, GATEWAY);
    expect(report.ok).toBe(true);
    expect(report.writes.map((w) => w.seen)).toEqual(['reconnected', 'reconnected']);
    await radio.close();
    const verify = await verifyProfile(radio, GATEWAY);
    expect(verify.ok).toBe(true);
    expect(verify.radio).toMatchObject({ nodeId: '!0a0b0c0d', rebootCount: 3 });
  });
});

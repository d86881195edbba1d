/**
 * SerialTransport through the real `serialport` package over a socat pty pair: the link opens one
 * end as its radio's port, the test serves a scripted device on the other. Killing socat makes
 * the port vanish, as a native-USB radio does when it reboots; starting it again brings the same
 * path back. Skipped only where socat is not installed, and then named in the run's closing line
 * (docs/conventions.md §System tools).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { MeshtasticLink } from '../meshtastic/meshtastic-link.js';
import { ScriptedDevice } from '../meshtastic/test/scripted-device.js';
import { listPorts, SerialTransport } from './serial-transport.js';
import { openFailureReason } from './transport.js';

const socat = needsSystemTool(SOCAT);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A socat pty pair with stable link names, which can be killed and started again. */
class PtyPair {
  readonly a: string;
  readonly b: string;
  #proc: ChildProcess | undefined;

  constructor(dir: string) {
    this.a = join(dir, 'a');
    this.b = join(dir, 'b');
  }

  async start(): Promise<void> {
    this.#proc = spawn(
      socat as string,
      ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`],
      {
        stdio: 'ignore',
      },
    );
    await until(() => existsSync(this.a) && existsSync(this.b));
  }

  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    await until(() => !existsSync(this.a));
  }
}

/** Opens the device end of the pair and serves `device` on it. */
async function serveDevice(path: string, device: ScriptedDevice): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115_200, hupcl: false, lock: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => {});
  device.attach(port);
  return port;
}

describe.skipIf(socat === undefined)('SerialTransport over a socat pty pair', () => {
  let dir: string;
  let pty: PtyPair;
  const ports: SerialPort[] = [];
  const links: MeshtasticLink[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fieldnode-pty-'));
    pty = new PtyPair(dir);
    await pty.start();
  });
  afterEach(async () => {
    await Promise.all(links.splice(0).map((l) => l.stop()));
    for (const p of ports.splice(0)) if (p.isOpen) await new Promise((r) => p.close(r));
    await pty.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a link handshakes, sends and receives through the serialport package', async () => {
    const device = new ScriptedDevice();
    ports.push(await serveDevice(pty.b, device));
    const link = new MeshtasticLink({
      id: 'mesh-serial',
      transport: new SerialTransport({ path: pty.a }),
      timeouts: { wakeDelayMs: 20, handshakeMs: 2000, ackMs: 1000 },
    });
    links.push(link);
    await link.start();
    expect(link.state.status).toBe('up');
    // python's opening: 32 × 0xC3 first, then want_config_id.
    expect(Buffer.from(device.rawReceived.slice(0, 32)).toString('hex')).toBe('c3'.repeat(32));
    expect(await link.send(Uint8Array.of(0xa1, 0x94, 0xc3), { to: '!11223344' })).toMatchObject({ ok: true });
    const got = new Promise((resolve) => link.once('frame', resolve));
    device.meshPacket({ from: 0x33334444, id: 5, portnum: 256, payload: Uint8Array.of(1, 0x94, 0xc3, 0) });
    expect(await got).toMatchObject({ meta: { from: '!33334444' } });
  });

  it('the port vanishing takes the link down; a later start() reopens the same path once it is back', async () => {
    const device = new ScriptedDevice();
    ports.push(await serveDevice(pty.b, device));
    const link = new MeshtasticLink({
      id: 'mesh-serial',
      transport: new SerialTransport({ path: pty.a }),
      timeouts: { wakeDelayMs: 20, handshakeMs: 2000 },
    });
    links.push(link);
    const states: string[] = [];
    link.on('state', (s) => states.push(s.status === 'down' ? `down/${s.reason}` : s.status));
    await link.start();
    await pty.stop(); // the radio rebooted and re-enumerated
    await until(() => link.state.status === 'down');
    // Started again while the path is gone (the supervisor's first retry): down, the device is not there.
    await link.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    await pty.start();
    ports.push(await serveDevice(pty.b, device));
    await link.start();
    expect(link.state.status).toBe('up');
    expect(states[0]).toBe('starting');
    expect(states[1]).toBe('up');
    expect(states.slice(-2)).toEqual(['starting', 'up']);
    expect(states.slice(2, -2).every((s) => s === 'starting' || s.startsWith('down/'))).toBe(true);
    // One reopen that worked; the open that found no device is not a reconnect.
    expect(link.counters()).toMatchObject({ reconnects: 1 });
    expect(await link.send(Uint8Array.of(1), { to: '!11223344' })).toMatchObject({ ok: true });
  });

  it('a path that does not exist: MESH_PORT with the OS error, the device is not there', async () => {
    const err = await new SerialTransport({ path: join(dir, 'missing') }).open().catch((e: unknown) => e);
    expect(isKitError(err, 'MESH_PORT')).toBe(true);
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(openFailureReason(err)).toBe('no-device');
  });
});

describe('listPorts', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fieldnode-byid-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const udevMissing = async (): Promise<never> => {
    throw Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
  };

  it('without udevadm, lists /dev/serial/by-id and says why', async () => {
    const byId = join(dir, 'by-id');
    await mkdir(byId);
    const tty = join(dir, 'ttyACM0');
    await writeFile(tty, '');
    const name = 'usb-RAKwireless_WisCore_RAK4631_Board_ABCDEF-if00';
    await symlink(tty, join(byId, name));
    const listing = await listPorts({ list: udevMissing, byIdDir: byId });
    expect(listing.source).toBe('by-id');
    expect(listing.ports).toEqual([{ path: join(byId, name), device: tty }]);
    expect(listing.note).toContain('spawn udevadm ENOENT');
  });

  it('with neither udevadm nor /dev/serial/by-id: no ports, and a note saying both failed', async () => {
    const listing = await listPorts({ list: udevMissing, byIdDir: join(dir, 'none') });
    expect(listing).toMatchObject({ ports: [], source: 'none' });
    expect(listing.note).toContain('ENOENT');
  });

  it('with udev: USB serial devices with their by-id path and USB ids', async () => {
    const listing = await listPorts({
      byIdDir: '/dev/serial/by-id',
      list: async () => [
        {
          path: '/dev/ttyACM0',
          manufacturer: 'RAKwireless',
          serialNumber: 'ABCDEF',
          pnpId: 'usb-RAKwireless_WisCore_RAK4631_Board_ABCDEF-if00',
          locationId: undefined,
          vendorId: '239a',
          productId: '8029',
        },
        {
          path: '/dev/ttyS0',
          manufacturer: undefined,
          serialNumber: undefined,
          pnpId: undefined,
          locationId: undefined,
          vendorId: undefined,
          productId: undefined,
        },
      ],
    });
    expect(listing).toEqual({
      source: 'udev',
      ports: [
        {
          path: '/dev/serial/by-id/usb-RAKwireless_WisCore_RAK4631_Board_ABCDEF-if00',
          device: '/dev/ttyACM0',
          manufacturer: 'RAKwireless',
          serialNumber: 'ABCDEF',
          vendorId: '239a',
          productId: '8029',
        },
      ],
    });
  });

  it('on this machine, whatever it has, answers without throwing', async () => {
    const listing = await listPorts();
    expect(['udev', 'by-id', 'none']).toContain(listing.source);
  });
});

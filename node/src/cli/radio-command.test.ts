/**
 * `fieldnode radio apply|verify|suggest` as an operator runs them (docs/profiles.md): a profile of
 * firmware-config/profiles/ applied to the simulated radio on a pseudo-terminal named by a
 * /dev/serial/by-id link and over the simulator's TCP API, the report printed, the exit code; a
 * deliberately wrong read-back ends in RADIO_MISMATCH and exit 1; suggest works where udevadm is
 * missing. The simulators are loaded lazily, as the command loads the radio modules.
 */
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/capture-output.js';
import { needsSystemTool } from '../link/needs-system-tool.js';
import { SOCAT } from '../link/system-tool.js';
import { runCli } from './main.js';
import { radioCommand } from './radio-command.js';

// The pty cases are skipped without socat, and named in the run's closing line
// (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

const REPO = join(import.meta.dirname, '../../..');
const FAST = {
  rebootSignMs: 3000,
  rebootTimeoutMs: 5000,
  retryMs: 20,
  session: { wakeDelayMs: 1, handshakeTimeoutMs: 2000, writeTimeoutMs: 2000 },
};

const io = captureOutput();
let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-radio-cli-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

/** A shipped profile, its key file replaced by a fresh 0600 one here. */
async function profile(name: string): Promise<string> {
  const key = join(dir, 'mesh-psk.key');
  await writeFile(key, 'QEFCQ0RFRkdISUpLTE1OTw==\n');
  await chmod(key, 0o600);
  const text = await readFile(join(REPO, 'firmware-config/profiles', name), 'utf8');
  const file = join(dir, name);
  await writeFile(file, text.replace('psk_file: /etc/fieldnode/mesh-psk.key', `psk_file: ${key}`));
  return file;
}

interface SimOptions {
  transport: 'uart' | 'native-usb' | 'tcp';
  misreport?: string[];
}

/** The simulated radio, fast reboots; on a pty with a by-id link, or on TCP. Returns the option for it. */
async function radio(o: SimOptions): Promise<string[]> {
  const { simDevice } = await import('../../../radio/src/profile/test/sim-radio.js');
  const { parseMisreport } = await import('../../../radio/sim/meshtastic/misreport.js');
  const device = simDevice({ transport: o.transport, misreport: (o.misreport ?? []).map(parseMisreport) });
  if (o.transport === 'tcp') {
    const { MeshtasticTcpServer } = await import('../../../radio/sim/meshtastic/tcp-server.js');
    device.start();
    const server = new MeshtasticTcpServer({ device, port: 0 });
    const { port } = await server.listen();
    cleanups.push(async () => {
      await server.close();
      device.stop();
    });
    return ['--host', `127.0.0.1:${port}`];
  }
  const { PtyDevice } = await import('../../../radio/sim/meshtastic/pty-device.js');
  const pty = new PtyDevice({ device, hostPath: join(dir, 'ttyACM0') });
  await pty.open();
  device.start();
  cleanups.push(async () => {
    device.stop();
    await pty.close();
  });
  await mkdir(join(dir, 'by-id'));
  const byId = join(dir, 'by-id', 'usb-Heltec_HT-n5262_0123456789AB-if00');
  await symlink(pty.hostPath, byId);
  return ['--port', byId];
}

const run = (args: string[], sysRoot?: string) =>
  radioCommand(args, { timings: FAST, ...(sysRoot === undefined ? {} : { sysRoot }) });

/** A sysfs that says the tty behind `port` is a CP2102 on USB, as it says of a Heltec board. */
async function cp2102(port: string): Promise<string> {
  const sys = join(dir, 'sys');
  const usb = join(sys, 'devices', 'usb1', '1-1');
  await mkdir(join(usb, '1-1:1.0'), { recursive: true });
  await writeFile(join(usb, 'idVendor'), '10c4\n');
  await writeFile(join(usb, 'idProduct'), 'ea60\n');
  const tty = basename(await realpath(port));
  await mkdir(join(sys, 'class', 'tty', tty), { recursive: true });
  await symlink(join(usb, '1-1:1.0'), join(sys, 'class', 'tty', tty, 'device'));
  return sys;
}

describe.skipIf(socat === undefined)('on a pseudo-terminal named by its /dev/serial/by-id link', () => {
  it('apply prints each field and exits 0; verify then finds them all', async () => {
    const port = await radio({ transport: 'uart' });
    const kit = await profile('meshtastic-kit.yaml');
    expect(await run(['apply', kit, ...port], await cp2102(port[1] as string))).toBe(0);
    expect(io.out).toContain(
      'USB 10c4:ea60: ESP32 board behind a Silicon Labs CP210x bridge (Heltec V1/V2, T-Lora 1.3, DIY boards); its fingerprint suggests meshtastic-kit.yaml\n',
    );
    expect(io.out).toMatch(
      /^radio !0a0b0c0d, firmware 2\.6\.11\.60ec05e \(heltec-v3\), reboot count 2, on serial .*usb-Heltec/m,
    );
    expect(io.out).toMatch(/^write 1: position, channel: it said rebooted, reboot count 1 → 2$/m);
    expect(io.out).toMatch(/^channel\.name +"fieldnode" +"" +"fieldnode" +applied$/m);
    expect(io.out).toMatch(
      /^channel\.psk +sha256:[0-9a-f]{12} \(128-bit\) +short key 1 .* +sha256:[0-9a-f]{12} \(128-bit\) +applied$/m,
    );
    expect(io.out).toMatch(/^lora\.region +CN +CN +CN +already so$/m);
    expect(io.out).toMatch(/^13 fields: 4 applied, 9 already so, no mismatch$/m);
    expect(io.out).not.toContain('QEFCQ0RF'); // the key itself is never printed
    expect(io.err).toContain('write 1: position, channel; waiting for the radio to reboot…');
    io.out = '';
    expect(await run(['verify', kit, ...port])).toBe(0);
    expect(io.out).toMatch(/^\d+ fields: \d+ match, no mismatch$/m);
  });

  it('a port the daemon holds: MESH_PORT, saying to stop the daemon first', async () => {
    const port = await radio({ transport: 'uart' });
    const { SerialPort } = await import('serialport');
    const daemon = new SerialPort({ path: port[1] as string, baudRate: 115200, lock: true, autoOpen: false });
    await new Promise<void>((resolve, reject) => daemon.open((e) => (e ? reject(e) : resolve())));
    cleanups.push(() => new Promise<void>((resolve) => daemon.close(() => resolve())));
    expect(await runCli(['radio', 'verify', await profile('meshtastic-kit.yaml'), ...port])).toBe(1);
    expect(io.err).toMatch(
      /^fieldnode: MESH_PORT: cannot open .*: another program holds the port, most likely the fieldnode daemon: stop it first \(systemctl stop fieldnode\)/,
    );
  });

  it('native USB: the gateway profile with its role change, the port gone and back twice', async () => {
    const port = await radio({ transport: 'native-usb' });
    expect(await run(['apply', await profile('meshtastic-gateway.yaml'), ...port])).toBe(0);
    expect(io.out).toMatch(
      /^write 1: device \(the new role alone; the rest follows once the radio runs with it\): its port or connection closed and was opened again/m,
    );
    expect(io.out).toContain('  the radio set device.rebroadcast_mode to CORE_PORTNUMS_ONLY by itself\n');
    expect(io.err).toContain('it set device.rebroadcast_mode to CORE_PORTNUMS_ONLY by itself');
    expect(io.out).toMatch(/^device\.role +ROUTER +CLIENT +ROUTER +applied$/m);
    expect(io.out).toMatch(/^device\.rebroadcast_mode +ALL +ALL +ALL +already so$/m);
  });
});

describe.skipIf(socat === undefined)('a RockBLOCK 9603 on a pseudo-terminal', () => {
  it('apply writes and stores the settings, verify then agrees; --host is refused for a modem', async () => {
    const { RealClock } = await import('../link/clock.js');
    const { startPtyModem } = await import('../../../satellite/sim/iridium/pty-modem.js');
    const { ScriptedNetwork } = await import('../../../satellite/sim/iridium/scripted-network.js');
    const clock = new RealClock();
    const modem = await startPtyModem({
      clock,
      network: new ScriptedNetwork({ clock }),
      epochMs: Date.now(),
    });
    cleanups.push(() => modem.close());
    const file = join(REPO, 'firmware-config/profiles/rockblock-9603.yaml');
    expect(await run(['apply', file, '--port', modem.hostPath])).toBe(0);
    expect(io.out).toContain('written: AT+SBDMTA=1, AT+SBDST=90, AT&W0, AT&Y0');
    expect(io.out).toMatch(/^rockblock\.ring_alerts +true +false +true +applied$/m);
    io.out = '';
    expect(await run(['verify', file, '--port', modem.hostPath])).toBe(0);
    expect(io.out).toMatch(/^2 fields: 2 match, no mismatch$/m);
    expect(await runCli(['radio', 'verify', file, '--host', '127.0.0.1'])).toBe(2);
  });
});

describe("over the simulator's TCP API", () => {
  it('--json: the report as JSON, enum names, the key as a fingerprint', async () => {
    const host = await radio({ transport: 'tcp' });
    expect(await run(['apply', await profile('meshtastic-gateway.yaml'), ...host, '--json'])).toBe(0);
    const report = JSON.parse(io.out);
    expect(report.ok).toBe(true);
    expect(report.writes).toHaveLength(2);
    expect(report.writes[0].undone).toEqual([
      { field: 'device.rebroadcast_mode', value: 'CORE_PORTNUMS_ONLY' },
    ]);
    const fields = Object.fromEntries(report.fields.map((f: { field: string }) => [f.field, f]));
    expect(fields['device.rebroadcast_mode']).toEqual({
      field: 'device.rebroadcast_mode',
      profile: 'ALL',
      before: 'ALL',
      readBack: 'ALL',
      status: 'already',
    });
    expect(fields['channel.psk'].readBack).toMatch(/^sha256:/);
  });

  it('a deliberately wrong read-back: the report says MISMATCH and the command fails with RADIO_MISMATCH, exit 1', async () => {
    const host = await radio({ transport: 'tcp', misreport: ['lora.hop_limit=7'] });
    const kit = await profile('meshtastic-kit.yaml');
    expect(await runCli(['radio', 'apply', kit, ...host])).toBe(1);
    expect(io.out).toMatch(/^lora\.hop_limit +3 +7 +7 +MISMATCH$/m);
    expect(io.out).toMatch(/1 MISMATCH$/m);
    expect(io.err).toContain('fieldnode: RADIO_MISMATCH: 1 field of the radio on tcp 127.0.0.1:');
    expect(io.err).toContain('reads back different from the profile: lora.hop_limit (profile 3, radio 7)');
  });
});

describe('usage', () => {
  it('needs one profile and exactly one of --port and --host', async () => {
    for (const args of [
      ['radio', 'apply', 'p.yaml'],
      ['radio', 'apply', 'p.yaml', '--port', '/dev/x', '--host', 'h'],
      ['radio', 'verify', '--port', '/dev/x'],
      ['radio', 'verify', 'a.yaml', 'b.yaml', '--port', '/dev/x'],
      ['radio', 'apply', 'p.yaml', '--host', 'h:99999'],
      ['radio'],
      ['radio', 'flash'],
    ])
      expect([args.join(' '), await runCli(args)]).toEqual([args.join(' '), 2]);
    expect(io.err).toContain(
      'give the radio as --port PATH (USB serial, its /dev/serial/by-id name) or --host HOST[:PORT] (TCP)',
    );
  });
});

describe('suggest', () => {
  it('without udevadm: the by-id links, their USB ids from sysfs, and the profile each suggests', async () => {
    const sys = join(dir, 'sys');
    const usb = join(sys, 'devices', 'usb1', '1-1');
    await mkdir(join(usb, '1-1:1.0'), { recursive: true });
    await writeFile(join(usb, 'idVendor'), '0403\n');
    await writeFile(join(usb, 'idProduct'), '6015\n');
    await writeFile(join(usb, 'product'), 'FT230X Basic UART\n');
    await mkdir(join(sys, 'class', 'tty', 'ttyUSB3'), { recursive: true });
    await symlink(join(usb, '1-1:1.0'), join(sys, 'class', 'tty', 'ttyUSB3', 'device'));
    await mkdir(join(dir, 'dev', 'serial', 'by-id'), { recursive: true });
    await writeFile(join(dir, 'dev', 'ttyUSB3'), '');
    await symlink(
      join(dir, 'dev', 'ttyUSB3'),
      join(dir, 'dev', 'serial', 'by-id', 'usb-FTDI_FT230X_Basic_UART_DN05ABCD-if00-port0'),
    );
    const code = await radioCommand(['suggest'], {
      sysRoot: sys,
      byIdDir: join(dir, 'dev', 'serial', 'by-id'),
      list: () => Promise.reject(new Error('spawn udevadm ENOENT')),
    });
    expect(code).toBe(0);
    expect(io.out).toContain(
      'SerialPort.list() failed (spawn udevadm ENOENT; udevadm is missing in many containers)',
    );
    expect(io.out).toContain('usb-FTDI_FT230X_Basic_UART_DN05ABCD-if00-port0 (now ');
    expect(io.out).toContain('  USB 0403:6015 FT230X Basic UART');
    expect(io.out).toContain('  suggests: firmware-config/profiles/rockblock-9603.yaml (an Iridium modem');
  });
});

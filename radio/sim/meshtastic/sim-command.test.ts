/**
 * `fieldnode sim meshtastic`: its arguments, and a run on TCP and on a pty that a client can
 * complete the handshake with and get an echo from (docs/meshtastic.md §8.8).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SerialPort } from 'serialport';
import { describe, expect, it, vi } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { DeviceRole, ModemPreset, RebroadcastMode, RegionCode } from '../../src/meshtastic/constants.js';
import { HostProbe, until } from './host-probe.js';
import { meshtasticSimCommand, parseSimArgs, startMeshtasticSim } from './sim-command.js';

// The --pty run is skipped without socat, and named in the run's closing line
// (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

function usageError(args: string[]): boolean {
  try {
    parseSimArgs(args);
    return false;
  } catch (err) {
    return isKitError(err, 'CLI_USAGE');
  }
}

describe('parseSimArgs', () => {
  it('reads every option', () => {
    expect(
      parseSimArgs([
        '--pty',
        '--link',
        '/tmp/x',
        '--native-usb',
        '--node-num',
        '!deadbeef',
        '--firmware',
        '2.7',
        '--region',
        'eu_868',
        '--preset',
        'LONG_SLOW',
        '--role',
        'router',
        '--rebroadcast',
        'CORE_PORTNUMS_ONLY',
        '--misreport',
        'lora.hop_limit=7',
        '--misreport',
        'device.role=CLIENT',
        '--debug-text',
        '--seed',
        '9',
      ]),
    ).toEqual({
      transport: { kind: 'pty', link: '/tmp/x', nativeUsb: true },
      nodeNum: 0xdeadbeef,
      firmware: '2.7',
      region: RegionCode.EU_868,
      preset: ModemPreset.LONG_SLOW,
      role: DeviceRole.ROUTER,
      rebroadcastMode: RebroadcastMode.CORE_PORTNUMS_ONLY,
      misreport: [
        { field: 'lora.hop_limit', section: 'lora', localName: 'hopLimit', value: 7 },
        { field: 'device.role', section: 'device', localName: 'role', value: DeviceRole.CLIENT },
      ],
      debugText: true,
      lonely: false,
      seed: 9,
    });
    expect(parseSimArgs(['--tcp', '4403'])).toMatchObject({
      transport: { kind: 'tcp', port: 4403 },
      region: RegionCode.CN,
    });
  });

  it('refuses bad usage with CLI_USAGE', () => {
    expect(usageError([])).toBe(true);
    expect(usageError(['--tcp', '1', '--pty'])).toBe(true);
    expect(usageError(['--tcp', '70000'])).toBe(true);
    expect(usageError(['--tcp', '1', '--link', '/x'])).toBe(true);
    expect(usageError(['--pty', '--region', 'MARS'])).toBe(true);
    expect(usageError(['--pty', '--role', 'KING'])).toBe(true);
    expect(usageError(['--pty', '--misreport', 'lora.hop_limt=7'])).toBe(true);
    expect(usageError(['--pty', '--firmware', '2.5'])).toBe(true);
    expect(usageError(['--pty', '--node-num', '0'])).toBe(true);
    expect(usageError(['--pty', '--bogus'])).toBe(true);
  });
});

describe('running the simulator', () => {
  it('--tcp 0: a client completes the handshake, sees the echo peer in the NodeDB and gets its text back', async () => {
    const sim = await startMeshtasticSim(parseSimArgs(['--tcp', '0']), { echoDelayMs: 50 });
    try {
      const socket = connect({ host: '127.0.0.1', port: Number(sim.address) });
      const host = new HostProbe(socket);
      const frames = await host.handshakeOverIo(5);
      expect(
        frames
          .filter((m) => m.payloadVariant.case === 'nodeInfo')
          .map((m) => (m.payloadVariant.value as { num: number }).num),
      ).toEqual([0x0a0b0c0d, 0x0e0e0e0e]);
      host.clear();
      host.send({
        case: 'packet',
        value: {
          to: 0x0e0e0e0e,
          id: 1,
          wantAck: true,
          hopLimit: 3,
          payloadVariant: { case: 'decoded', value: { portnum: 1, payload: Buffer.from('hi') } },
        },
      });
      const echo = await host.waitForFrame(
        (m) =>
          m.payloadVariant.case === 'packet' &&
          m.payloadVariant.value.from === 0x0e0e0e0e &&
          m.payloadVariant.value.payloadVariant.case === 'decoded' &&
          m.payloadVariant.value.payloadVariant.value.portnum === 1,
        5000,
      );
      expect(echo.payloadVariant.value).toMatchObject({ to: 0x0a0b0c0d });
      socket.destroy();
    } finally {
      await sim.close();
    }
  });

  it.skipIf(socat === undefined)(
    'meshtasticSimCommand --pty: prints the host path, serves it until stopped, then the path is gone',
    async () => {
      const out = new PassThrough();
      let printed = '';
      out.on('data', (c: Buffer) => {
        printed += c.toString();
      });
      const stop = new AbortController();
      const run = meshtasticSimCommand(['--pty', '--lonely'], { signal: stop.signal, out });
      await until(() => printed.includes(' on pty '), 5000, 'the pty path');
      const path = /on pty (\S+)/.exec(printed)?.[1] ?? '';
      expect(existsSync(path)).toBe(true);
      const port = new SerialPort({ path, baudRate: 115200, hupcl: false, autoOpen: false });
      await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
      const frames = await new HostProbe(port).handshakeOverIo(3);
      // The boot `rebooted` frame may still be on its way when the host opens the port.
      const info = frames.find((m) => m.payloadVariant.case === 'myInfo');
      expect(info?.payloadVariant.value).toMatchObject({ myNodeNum: 0x0a0b0c0d });
      await new Promise<void>((resolve) => port.close(() => resolve()));
      stop.abort();
      expect(await run).toBe(0);
      expect(existsSync(path)).toBe(false);
      expect(printed).toContain('stopped');
    },
  );

  it('--pty where socat is not on PATH: TOOL_MISSING saying how to install it, and no pty left', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fieldnode-no-socat-'));
    vi.stubEnv('PATH', empty);
    try {
      const link = join(empty, 'host');
      // Stopped before it starts: a simulator that did start returns at once instead of hanging.
      const run = meshtasticSimCommand(['--pty', '--lonely', '--link', link], {
        signal: AbortSignal.abort(),
        out: new PassThrough(),
      });
      await expect(run).rejects.toMatchObject({
        code: 'TOOL_MISSING',
        message: expect.stringMatching(/^socat is not installed: apt install socat \(not found on PATH/),
      });
      expect(existsSync(link)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/**
 * The simulated device on a real pseudo-terminal pair made by socat, read and written through the
 * real `serialport` package on both ends (docs/design.md §Testing; docs/meshtastic.md §1.2, §1.6).
 */
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { deviceProfile } from './firmware-profile.js';
import { HostProbe, until } from './host-probe.js';
import { PtyDevice } from './pty-device.js';
import { ScriptedMeshSide } from './scripted-mesh-side.js';
import { SimulatedDevice } from './simulated-device.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function onPty(transport: 'uart' | 'native-usb') {
  const clock = new VirtualClock();
  const mesh = new ScriptedMeshSide({ nodeNum: 0x0a0b0c0d, clock });
  const device = new SimulatedDevice({ meshSide: mesh, clock, profile: deviceProfile({ transport }) });
  const pty = new PtyDevice({ device });
  await pty.open();
  device.start();
  cleanups.push(async () => {
    device.stop();
    await pty.close();
  });
  return { clock, mesh, device, pty };
}

async function openHost(path: string): Promise<{ port: SerialPort; probe: HostProbe }> {
  const port = new SerialPort({ path, baudRate: 115200, hupcl: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const probe = new HostProbe(port);
  cleanups.push(async () => {
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  });
  return { port, probe };
}

describe.skipIf(socat === undefined)('PtyDevice (socat + serialport)', () => {
  it('a host on the pty completes the handshake and gets a QueueStatus for a packet carrying 94 c3', async () => {
    const { pty, mesh } = await onPty('uart');
    const { probe } = await openHost(pty.hostPath);
    const frames = await probe.handshakeOverIo(0x12345678);
    expect(frames.filter((m) => m.payloadVariant.case === 'channel')).toHaveLength(8);
    expect(frames.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 0x12345678 });
    probe.clear();
    probe.send({
      case: 'packet',
      value: {
        to: 0xffffffff,
        id: 0x77,
        hopLimit: 3,
        payloadVariant: {
          case: 'decoded',
          value: { portnum: 256, payload: Uint8Array.of(0x94, 0xc3, 0, 1) },
        },
      },
    });
    const qs = await probe.waitForFrame((m) => m.payloadVariant.case === 'queueStatus');
    expect(qs.payloadVariant.value).toMatchObject({ res: 0, meshPacketId: 0x77 });
    expect(mesh.sent.map((p) => p.id)).toEqual([0x77]);
  });

  it('native USB reboot: the host path really vanishes, the host port closes, and both come back after the reboot delay', async () => {
    const { pty, device, clock } = await onPty('native-usb');
    const { port, probe } = await openHost(pty.hostPath);
    await probe.handshakeOverIo(1);
    device.reboot();
    await until(() => !existsSync(pty.hostPath), 3000, 'the host path to vanish');
    await until(() => !port.isOpen, 3000, 'the host port to close');
    clock.advance(3000);
    await until(() => existsSync(pty.hostPath), 3000, 'the host path to return');
    const again = await openHost(pty.hostPath);
    // The path is back once socat has made it; a want_config written before the device reads its
    // side may go unanswered on a busy machine (a CI run), so the host asks again, as a real host
    // does after its handshake timeout.
    let frames: Awaited<ReturnType<typeof again.probe.handshakeOverIo>> | undefined;
    for (let attempt = 1; frames === undefined; attempt++) {
      try {
        frames = await again.probe.handshakeOverIo(2 + attempt, 5000);
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    expect(frames[0]?.payloadVariant).toMatchObject({ case: 'myInfo', value: { rebootCount: 2 } });
  });

  it('UART reboot: the host path stays and the open port receives the new rebooted frame', async () => {
    const { pty, device, clock } = await onPty('uart');
    const { probe } = await openHost(pty.hostPath);
    await probe.handshakeOverIo(1);
    probe.clear();
    device.reboot();
    clock.advance(3000);
    await probe.waitForFrame((m) => m.payloadVariant.case === 'rebooted');
    expect(existsSync(pty.hostPath)).toBe(true);
  });

  it('close() kills socat: the links vanish', async () => {
    const { pty } = await onPty('uart');
    const path = pty.hostPath;
    expect(existsSync(path)).toBe(true);
    await pty.close();
    expect(existsSync(path)).toBe(false);
  });
});

/**
 * The simulated device's TCP API over real sockets on 127.0.0.1 (docs/meshtastic.md §1.2,
 * §1.5, §1.6): one client at a time, the socket closed by the device on reboot and on the
 * 2.7.21 idle timeout.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { deviceProfile } from './firmware-profile.js';
import { HostProbe, until } from './host-probe.js';
import { ScriptedMeshSide } from './scripted-mesh-side.js';
import { SimulatedDevice } from './simulated-device.js';
import { MeshtasticTcpServer } from './tcp-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function serve(firmware = '2.6') {
  const clock = new VirtualClock();
  const mesh = new ScriptedMeshSide({ nodeNum: 0x0a0b0c0d, clock });
  const device = new SimulatedDevice({
    meshSide: mesh,
    clock,
    profile: deviceProfile({ transport: 'tcp', firmware }),
  });
  device.start();
  const server = new MeshtasticTcpServer({ device, port: 0 });
  const { port } = await server.listen();
  cleanups.push(async () => {
    await server.close();
    device.stop();
  });
  return { clock, device, server, port };
}

async function client(port: number): Promise<HostProbe> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
  const probe = new HostProbe(socket);
  cleanups.push(async () => {
    socket.destroy();
  });
  return probe;
}

describe('MeshtasticTcpServer', () => {
  it('listens on 127.0.0.1 and answers want_config_id with the full dump', async () => {
    const { port, server } = await serve();
    expect(server.host).toBe('127.0.0.1');
    const a = await client(port);
    const frames = await a.handshakeOverIo(42);
    expect(frames[0]?.payloadVariant.case).toBe('myInfo');
    expect(frames.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 42 });
  });

  it('APIServerPort::runOnce: "Force close previous TCP connection" — a second client kicks the first', async () => {
    const { port, device } = await serve();
    const reasons: string[] = [];
    device.on('hostClosed', (r) => reasons.push(r));
    const a = await client(port);
    await a.handshakeOverIo(1);
    const b = await client(port);
    await until(() => a.closed, 3000, 'the first client to be closed');
    const frames = await b.handshakeOverIo(2);
    expect(frames.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 2 });
    expect(reasons).toEqual(['replaced']);
  });

  it('reboot: the device closes the socket; a new connection after the reboot delay sees reboot_count + 1', async () => {
    const { port, device, clock } = await serve();
    const a = await client(port);
    await a.handshakeOverIo(1);
    device.reboot();
    await until(() => a.closed, 3000, 'the socket to close');
    clock.advance(3000);
    const b = await client(port);
    const frames = await b.handshakeOverIo(2);
    expect(frames[0]?.payloadVariant).toMatchObject({ case: 'myInfo', value: { rebootCount: 2 } });
  });

  it('ServerAPI (2.7.21+): TCP_IDLE_TIMEOUT_MS closes a silent client after 15 min', async () => {
    const { port, clock } = await serve('2.7');
    const a = await client(port);
    await a.handshakeOverIo(1);
    clock.advance(15 * 60 * 1000);
    await until(() => a.closed, 3000, 'the idle socket to close');
  });

  it('refuses a device that is not a TCP device', () => {
    const mesh = new ScriptedMeshSide({ nodeNum: 5 });
    const device = new SimulatedDevice({ meshSide: mesh, profile: deviceProfile({ transport: 'uart' }) });
    expect(() => new MeshtasticTcpServer({ device })).toThrow(TypeError);
  });
});

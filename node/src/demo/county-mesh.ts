/**
 * The demonstration county's LoRa mesh (docs/demo-county.md §How it is wired; docs/meshtastic.md
 * §8.8): one simulated RF channel (radio/sim/meshtastic MeshNetwork, region CN, LONG_FAST), and on
 * it one simulated Meshtastic device per node but the centre, each speaking the real stream API to
 * its node's Meshtastic link:
 *
 * - `pty`: on a pseudo-terminal pair made by socat (pty-device.ts), which the node opens as it
 *   would /dev/ttyUSB0 through the serialport package: the path of a radio on USB;
 * - `tcp`: on a TCP port of 127.0.0.1 (tcp-server.ts), which the node reaches as meshtasticd's
 *   API on port 4403: the path of a radio on the network.
 *
 * Both carry the same framed protobufs; pty also runs the serial port code, so it is used whenever
 * socat is installed. The mesh keeps wall time (a paced clock at 1×): airtime, ACKs and
 * retransmissions take as long as on real radios.
 *
 * The simulators are loaded with import(), as the composition root loads adapters
 * (docs/architecture.md §The dependency rule).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimulatedDevice } from '../../../radio/sim/meshtastic/simulated-device.js';
import type { Logger } from '../base/logger.js';
import { DEMO_LORA_LINKS, type DemoNodePlan, meshNodes, planOf } from './county-plan.js';
import type { DemoPaths } from './demo-paths.js';

/** How the nodes reach their radios. */
export type RadioPath = 'pty' | 'tcp';

/** A node's radio as its configuration names it: a serial device, or meshtasticd's TCP API. */
export type RadioAddress = { port: string } | { host: string; tcp_port: number };

export interface CountyMeshOptions {
  paths: DemoPaths;
  via: RadioPath;
  /** The channel's ModemPreset. Default LONG_FAST, Meshtastic's default. */
  preset?: number;
  /** Seeds the medium (loss, contention). Default 1. */
  seed?: number;
  log: Logger;
}

export interface CountyMesh {
  via: RadioPath;
  /** How node `id` reaches its radio. */
  address(id: number): RadioAddress;
  /** The radio's Meshtastic address, `!de502101`. */
  radioId(id: number): string;
  /** Closes the hosts' ends, then the devices, then the clock. */
  close(): Promise<void>;
}

/** Powers on the radios of every node on the mesh; the nodes connect to them later. */
export async function startCountyMesh(o: CountyMeshOptions): Promise<CountyMesh> {
  const [
    { MeshNetwork },
    { PacedClock },
    { SimulatedDevice },
    { deviceProfile },
    { ModemPreset, RegionCode },
  ] = await Promise.all([
    import('../../../radio/sim/meshtastic/mesh-network.js'),
    import('../../../radio/sim/meshtastic/paced-clock.js'),
    import('../../../radio/sim/meshtastic/simulated-device.js'),
    import('../../../radio/sim/meshtastic/firmware-profile.js'),
    import('../../../radio/src/meshtastic/constants.js'),
  ]);
  const preset = o.preset ?? ModemPreset.LONG_FAST;
  const radio = (id: number) => planOf(id).radio as number;
  // Ticks of 10 ms at 1×: a host's write reaches the air within 10 ms, far under a LoRa symbol
  // train's length, and the clock costs the laptop nothing while the mesh is quiet.
  const clock = new PacedClock(1, 10);
  const network = new MeshNetwork({
    nodes: meshNodes().map((n) => ({ num: radio(n.id) })),
    links: DEMO_LORA_LINKS.map((l) => ({ a: radio(l.a), b: radio(l.b), snr: l.snr, rssi: l.rssi, loss: 0 })),
    preset,
    region: RegionCode.CN,
    seed: o.seed ?? 1,
    clock,
  });
  const addresses = new Map<number, RadioAddress>();
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse())
      await c().catch((err: unknown) => o.log.warn({ err }, 'closing a radio failed'));
    clock.stop();
  };
  try {
    for (const node of meshNodes()) {
      const device = new SimulatedDevice({
        meshSide: network.router(radio(node.id)),
        clock,
        profile: deviceProfile({ transport: o.via === 'tcp' ? 'tcp' : 'uart' }),
        // The mesh router does the firmware's own checks, duty cycle first (sim-radio.ts).
        routerChecks: false,
        settings: { modemPreset: preset, longName: `fieldnode ${node.id}`, shortName: String(node.id) },
        seed: node.id,
      });
      device.start();
      closers.push(async () => device.stop());
      addresses.set(node.id, await hostEnd(o, node, device, closers));
    }
  } catch (err) {
    await close();
    throw err;
  }
  const { formatNodeId } = await import('../../../radio/src/meshtastic/node-id.js');
  return {
    via: o.via,
    address(id) {
      const a = addresses.get(id);
      if (a === undefined) throw new RangeError(`node ${id} has no radio`);
      return a;
    },
    radioId: (id) => formatNodeId(radio(id)),
    close,
  };
}

/** Puts the device on its pty or TCP port; registers the closing of that end. */
async function hostEnd(
  o: CountyMeshOptions,
  node: DemoNodePlan,
  device: SimulatedDevice,
  closers: Array<() => Promise<void>>,
): Promise<RadioAddress> {
  const log = o.log.child({ radio: node.slug });
  if (o.via === 'pty') {
    const { PtyDevice } = await import('../../../radio/sim/meshtastic/pty-device.js');
    const dir = o.paths.radio(node.slug);
    const pty = new PtyDevice({ device, dir, hostPath: join(dir, 'ttyUSB0'), log });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await pty.open();
    closers.push(() => pty.close());
    return { port: pty.hostPath };
  }
  const { MeshtasticTcpServer } = await import('../../../radio/sim/meshtastic/tcp-server.js');
  const server = new MeshtasticTcpServer({ device, port: 0, host: '127.0.0.1', log });
  const { host, port } = await server.listen();
  closers.push(() => server.close());
  return { host, tcp_port: port };
}

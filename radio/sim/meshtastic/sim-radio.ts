/**
 * Simulator wiring for the radio tests, the mesh integration test and the mesh benchmark
 * (docs/links.md §The Meshtastic simulator): a fieldnode MeshtasticLink on a simulated Meshtastic
 * device that sits on a router of a simulated mesh (mesh-network.ts), joined by one of the three
 * ways a host reaches a radio (docs/meshtastic.md §1.1, §1.2): an in-process byte stream, a real
 * pseudo-terminal pair through the serialport package, or TCP on 127.0.0.1.
 *
 * The mesh runs on a sped-up clock (paced-clock.ts), so the link's own waits (heartbeat, ACK
 * timeout) are scaled by the same factor: a real radio and its host share one time, and a
 * heartbeat that came 50 times too rarely would let the device's 15-minute session timeout
 * (§1.5) close the session.
 *
 * The link is made, not started: whoever holds it starts it, and starts it again if it goes down
 * (the link never reopens itself; in the daemon its supervisor does).
 */

import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { PACKET_HISTORY_MS } from '../../src/meshtastic/answered-packets.js';
import { HEARD_HOPS_FRESH_MS } from '../../src/meshtastic/heard-hops.js';
import {
  MeshtasticLink,
  type MeshtasticLinkOptions,
  type MeshtasticLinkTimeouts,
} from '../../src/meshtastic/meshtastic-link.js';
import { formatNodeId } from '../../src/meshtastic/node-id.js';
import {
  defaultAckTimeoutMs,
  meshRoundTripMs,
  PRESET_PARAMS,
  SLOWEST_PARAMS,
} from '../../src/meshtastic/retransmit-timing.js';
import { SerialTransport } from '../../src/transports/serial-transport.js';
import { StreamTransport } from '../../src/transports/stream-transport.js';
import { TcpTransport } from '../../src/transports/tcp-transport.js';
import type { Transport } from '../../src/transports/transport.js';
import type { DeviceProfileInput } from './firmware-profile.js';
import { deviceProfile } from './firmware-profile.js';
import type { MeshNetwork } from './mesh-network.js';
import { PtyDevice } from './pty-device.js';
import { SimulatedDevice, type SimulatedDeviceOptions } from './simulated-device.js';
import { MeshtasticTcpServer } from './tcp-server.js';

/** The link's default mtu (§8.5); the ACK wait is sized for a frame that long. */
const MTU = 200;

export interface SimRadioOptions {
  network: MeshNetwork;
  /** The router the device sits on. */
  node: number;
  /** How fast the network's clock runs against wall time (paced-clock.ts). */
  speedup: number;
  linkId: string;
  profile?: DeviceProfileInput;
  device?: Omit<SimulatedDeviceOptions, 'meshSide' | 'clock' | 'profile'>;
  link?: Omit<MeshtasticLinkOptions, 'id' | 'transport'>;
  /** How the host reaches the device. Default 'stream'. */
  via?: HostPath;
}

/**
 * 'stream': an in-process byte stream pair (node/src/link/duplex-pair.ts), a new one per open;
 * 'pty': a socat pseudo-terminal pair, the device end and the host end each opened with the
 * serialport package (pty-device.ts, serial-transport.ts); 'tcp': the device's TCP API on
 * 127.0.0.1 and a socket to it (tcp-server.ts, tcp-transport.ts).
 */
export type HostPath = 'stream' | 'pty' | 'tcp';

interface HostEnd {
  transport: Transport;
  close(): Promise<void>;
}

export interface SimRadio {
  device: SimulatedDevice;
  link: MeshtasticLink;
  /** The link address of this radio, as inbound frames carry it in meta.from. */
  address: string;
  /** Stops the link, the transport's far end and the device. Idempotent. */
  close(): Promise<void>;
}

async function hostEnd(via: HostPath, device: SimulatedDevice): Promise<HostEnd> {
  switch (via) {
    case 'stream': {
      const transport = new StreamTransport(
        () => {
          const [deviceEnd, hostEnd] = createDuplexPair();
          device.attach(deviceEnd);
          return hostEnd;
        },
        `in-process stream to ${formatNodeId(device.nodeNum)}`,
      );
      return { transport, close: async () => {} };
    }
    case 'pty': {
      const pty = new PtyDevice({ device });
      await pty.open();
      return { transport: new SerialTransport({ path: pty.hostPath }), close: () => pty.close() };
    }
    case 'tcp': {
      const server = new MeshtasticTcpServer({ device, port: 0 });
      const { host, port } = await server.listen();
      return { transport: new TcpTransport({ host, port }), close: () => server.close() };
    }
  }
}

/** The link's waits for a mesh running `speedup` times faster than wall time. */
export function scaledTimeouts(speedup: number, preset: number): MeshtasticLinkTimeouts {
  const params = PRESET_PARAMS[preset] ?? SLOWEST_PARAMS;
  const scaled = (ms: number, floorMs: number) => Math.max(floorMs, Math.round(ms / speedup));
  return {
    // 45 s of mesh time, and never under 200 ms of wall time, so heartbeats stay cheap.
    heartbeatMs: scaled(45_000, 200),
    // The firmware's whole retransmission schedule in mesh time, plus wall time for the host.
    ackMs: Math.ceil(defaultAckTimeoutMs(params, MTU) / speedup) + 2000,
    // The least wait for custody or a receipt before the core sends again, in mesh time.
    roundTripMs: scaled(meshRoundTripMs(params, 3), 50),
    // A radio whose TX queue was reported full is probed after 10 s of mesh time (a 2.6 radio
    // answers no heartbeat, so nothing else reopens the window): unscaled, a full queue would
    // silence the link for 20 simulated minutes at 120×.
    zeroWindowProbeMs: scaled(10_000, 20),
    queuePollMs: scaled(1000, 10),
    // The QueueStatus comes at once from a live radio; the floor allows for a busy event loop.
    queueStatusMs: scaled(10_000, 1000),
    // The radios' packet history forgets after 10 minutes of mesh time: a packet heard earlier is
    // named as answered no more (answered-packets.ts).
    answerFreshMs: scaled(PACKET_HISTORY_MS, 1),
    // The link trusts a hop count for 10 minutes of mesh time, not of wall time (heard-hops.ts).
    heardFreshMs: scaled(HEARD_HOPS_FRESH_MS, 1),
    wakeDelayMs: 20,
  };
}

/** Powers on a simulated device on `opts.node` and makes a link to it (not started). */
export async function simRadio(opts: SimRadioOptions): Promise<SimRadio> {
  const router = opts.network.router(opts.node);
  const via = opts.via ?? 'stream';
  const device = new SimulatedDevice({
    meshSide: router,
    clock: opts.network.clock,
    profile: deviceProfile({ transport: via === 'tcp' ? 'tcp' : 'uart', ...opts.profile }),
    // The router does the firmware's own checks before the radio, duty cycle first.
    routerChecks: false,
    ...opts.device,
    settings: { modemPreset: opts.network.medium.preset, ...opts.device?.settings },
  });
  device.start();
  const { transport, close: closeTransport } = await hostEnd(via, device);
  const link = new MeshtasticLink({
    timeouts: scaledTimeouts(opts.speedup, opts.network.medium.preset),
    ...opts.link,
    id: opts.linkId,
    transport,
  });
  let closing: Promise<void> | undefined;
  return {
    device,
    link,
    address: formatNodeId(opts.node),
    close: () => {
      closing ??= (async () => {
        await link.stop();
        await closeTransport();
        device.stop();
      })();
      return closing;
    },
  };
}

/**
 * Test support for the answers a simulated device gives a client's want_ack packets
 * (docs/meshtastic.md §2.5, §4.4, §8.8 "ACK behaviour"): one radio, A, with a phone-side client on
 * its stream, and at most one neighbour, B, that relays what it hears or not; on either mesh side,
 * the scripted one the `fieldnode sim meshtastic` command runs (scripted-mesh-side.ts, B its echo
 * peer) or the full mesh (mesh-router.ts over rf-medium.ts). Everything runs on a VirtualClock.
 */
import { VirtualClock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import type { MeshPacket } from '../../src/meshtastic/codec.js';
import { DeviceRole, ModemPreset, RegionCode } from '../../src/meshtastic/constants.js';
import { HostProbe, settle } from './host-probe.js';
import { chainLinks, MeshNetwork } from './mesh-network.js';
import type { MeshSide } from './mesh-side.js';
import { routingErrorOf } from './routing-packets.js';
import { ScriptedMeshSide } from './scripted-mesh-side.js';
import { SimulatedDevice } from './simulated-device.js';

/** Our radio, its neighbour, and a node nowhere in the mesh. */
export const A = 0x0a0b0c0d;
export const B = 0x0e0e0e0e;
export const ABSENT = 0x0badbeef;

export interface RigOptions {
  /** B in range and relaying (a CLIENT), in range and silent (CLIENT_MUTE), or no B at all. */
  neighbour: 'relays' | 'mute' | 'none';
  /** Default CN (no duty-cycle limit). */
  region?: number;
  /** Default LONG_FAST. */
  preset?: number;
}

export interface Answer {
  /** When the device handed it to its phone, simulated ms. */
  at: number;
  from: number;
  error: number;
}

export interface Rig {
  clock: VirtualClock;
  /** The client: the host end of A's stream, after the configuration handshake. */
  host: HostProbe;
  /** A's TX airtime over the last hour, ms: each transmission of a packet counts. */
  txAirtimeMs(): number;
  /** The routing answers (ACK or NAK) A handed its phone for `id`, in order. */
  answers(id: number): Answer[];
  /** Lets `ms` of simulated time pass, with a heartbeat from the client every 5 minutes. */
  advance(ms: number): Promise<void>;
}

export type RigMaker = (o: RigOptions) => Promise<Rig>;

const HEARTBEAT_MS = 5 * 60_000;

/** The scripted mesh side as `fieldnode sim meshtastic` builds it; B is its echo peer. */
export const scriptedRig: RigMaker = (o) => {
  const clock = new VirtualClock();
  const mesh = new ScriptedMeshSide({
    nodeNum: A,
    clock,
    region: o.region ?? RegionCode.CN,
    preset: o.preset ?? ModemPreset.LONG_FAST,
    ...(o.neighbour === 'none' ? {} : { echoPeer: { nodeNum: B, relays: o.neighbour === 'relays' } }),
  });
  return rig(clock, mesh, o, true, () => mesh.txAirtimeLastHourMs());
};

/** The full mesh: A and B routers on one medium, in range of each other. */
export const fullMeshRig: RigMaker = (o) => {
  const clock = new VirtualClock();
  const b = { num: B, role: o.neighbour === 'mute' ? DeviceRole.CLIENT_MUTE : DeviceRole.CLIENT };
  const network = new MeshNetwork({
    nodes: [
      { num: A, ...(o.region !== undefined && { region: o.region }) },
      ...(o.neighbour === 'none' ? [] : [b]),
    ],
    links: o.neighbour === 'none' ? [] : chainLinks([A, B]),
    preset: o.preset ?? ModemPreset.LONG_FAST,
    region: RegionCode.CN,
    seed: 7,
    clock,
  });
  const router = network.router(A);
  return rig(clock, router, o, false, () => router.txAirtimeLastHourMs());
};

async function rig(
  clock: VirtualClock,
  meshSide: MeshSide,
  o: RigOptions,
  routerChecks: boolean,
  txAirtimeMs: () => number,
): Promise<Rig> {
  const device = new SimulatedDevice({
    meshSide,
    clock,
    routerChecks,
    settings: {
      region: o.region ?? RegionCode.CN,
      modemPreset: o.preset ?? ModemPreset.LONG_FAST,
      nodes: o.neighbour === 'none' ? [] : [{ num: B, longName: 'Neighbour', shortName: 'NB', lastHeard: 0 }],
    },
  });
  const toPhone: Array<{ at: number; packet: MeshPacket }> = [];
  device.on('toPhone', (packet) => toPhone.push({ at: clock.now(), packet }));
  const [deviceEnd, hostEnd] = createDuplexPair();
  device.attach(deviceEnd);
  device.start();
  const host = new HostProbe(hostEnd);
  await settle();
  await host.handshake();
  host.clear();
  return {
    clock,
    host,
    txAirtimeMs,
    answers: (id) =>
      toPhone.flatMap(({ at, packet }) => {
        const data = packet.payloadVariant.case === 'decoded' ? packet.payloadVariant.value : undefined;
        const error = data === undefined ? undefined : routingErrorOf(data);
        return error === undefined || data?.requestId !== id ? [] : [{ at, from: packet.from, error }];
      }),
    advance: async (ms) => {
      // A client keeps its session alive: 15 minutes without a ToRadio would close it (§1.5).
      for (let left = ms; ; left -= HEARTBEAT_MS) {
        clock.advance(Math.min(left, HEARTBEAT_MS));
        await settle();
        if (left <= HEARTBEAT_MS) return;
        host.send({ case: 'heartbeat', value: {} });
        await settle();
      }
    },
  };
}

/**
 * The shared link contract (node/src/link/contract.ts; docs/links.md §The link contract) against
 * MeshtasticLink talking to a simulated Meshtastic device, over each of the three ways a host
 * reaches a radio (docs/meshtastic.md §1.1, §1.2): an in-process byte stream, a real
 * pseudo-terminal pair (socat) through the real serialport package on both ends, and TCP on
 * 127.0.0.1. The contract's `peer` is a second MeshtasticLink on a second simulated device in the
 * same simulated mesh, so every frame crosses the simulated air: LONG_FAST airtime, the routers'
 * contention and relaying, the peer's rebroadcast.
 *
 * The air is idealised (two-radio-mesh.ts says why): the medium senses a carrier at once and
 * loses nothing, since the contract's "both ways at the same time" would otherwise provoke
 * collisions that lose broadcasts for good, and the contract asks every such send to arrive.
 *
 * The mesh runs on a PacedClock 50 times faster than wall time, so a 200-byte frame's 1.9 s on
 * air takes about 40 ms; the link's own waits are scaled with it (radio/sim/meshtastic/
 * sim-radio.ts).
 */

import { describe } from 'vitest';
import { runLinkContract } from '../../node/src/link/contract.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../node/src/link/system-tool.js';
import type { DeviceProfileInput } from '../sim/meshtastic/firmware-profile.js';
import { PacedClock } from '../sim/meshtastic/paced-clock.js';
import { type HostPath, type SimRadio, simRadio } from '../sim/meshtastic/sim-radio.js';
import { twoRadioMesh } from '../sim/meshtastic/two-radio-mesh.js';

// The pty variant needs socat; without it that variant is skipped (docs/conventions.md §System tools).
const hasSocat = needsSystemTool(SOCAT) !== undefined;

const SPEEDUP = 50;
const LINK_NODE = 0x0a0b0c0d;
const PEER_NODE = 0x0a0b0c0e;

interface Variant {
  via: HostPath;
  /** The link's firmware and host path; the peer is always a 2.6 radio on an in-process stream. */
  profile?: DeviceProfileInput;
  /** Exercise the implicit-ACK path on one of them: the outcome then waits for the peer's relay. */
  broadcastWantAck?: boolean;
}

const VARIANTS: Record<string, Variant> = {
  'an in-process stream (firmware 2.6, USB-UART)': { via: 'stream' },
  'a socat pty pair through serialport (firmware 2.7, USB-UART, broadcasts with want_ack)': {
    via: 'pty',
    profile: { firmware: '2.7' },
    broadcastWantAck: true,
  },
  'TCP on 127.0.0.1 (meshtasticd 2.7)': { via: 'tcp', profile: { firmware: '2.7', native: true } },
};

for (const [name, variant] of Object.entries(VARIANTS)) {
  if (variant.via === 'pty') describe.skipIf(!hasSocat)('on a pty (socat)', () => runContract(name, variant));
  else runContract(name, variant);
}

function runContract(name: string, variant: Variant): void {
  runLinkContract(
    `MeshtasticLink over ${name}, to a second radio across the simulated air`,
    async () => {
      const clock = new PacedClock(SPEEDUP);
      const network = twoRadioMesh(LINK_NODE, PEER_NODE, clock);
      const radios: SimRadio[] = [];
      const teardown = async (): Promise<void> => {
        for (const r of radios) await r.close();
        clock.stop();
      };
      try {
        const peer = await simRadio({ network, node: PEER_NODE, speedup: SPEEDUP, linkId: 'mesh-peer' });
        radios.push(peer);
        await peer.link.start();
        if (peer.link.state.status !== 'up')
          throw new Error(`peer did not come up: ${peer.link.state.status}`);
        const link = await simRadio({
          network,
          node: LINK_NODE,
          speedup: SPEEDUP,
          linkId: 'mesh0',
          via: variant.via,
          ...(variant.profile && { profile: variant.profile }),
          link: { broadcastWantAck: variant.broadcastWantAck ?? false },
        });
        radios.push(link);
        return { link: link.link, peer: peer.link, teardown };
      } catch (err) {
        await teardown();
        throw err;
      }
    },
    { timeoutMs: 5000 },
  );
}

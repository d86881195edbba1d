/**
 * The shared link contract (node/src/link/contract.ts) for the BeiDou link over the real path of a
 * kit, once per module protocol: the driver on a real pseudo-terminal (socat) through the real
 * serialport package at 115200 baud, the module simulator on the pty's other end, the simulated
 * BeiDou network (satellite/sim/beidou/pty-world.ts).
 *
 * The peer is the centre's link on its own simulated module: what the kit's link sends without `to`
 * goes to the centre's card, and the centre's sends without `to` go to its card's broadcast
 * address, which the kit's card receives. The cards send once a (simulated) second, on a clock ten
 * times faster than the wall: the suite's bursts wait for the interval, as they must.
 */
import { describe } from 'vitest';
import { runLinkContract } from '../../../node/src/link/contract.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { ptyWorld } from '../../sim/beidou/pty-world.js';
import type { BeidouProtocol } from './beidou-types.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

const KIT = { address: '4204990', broadcast: '2032472', level: 4, intervalS: 1 };
const CENTRE = { address: '4207733', broadcast: '2032472', level: 4, intervalS: 1, userType: 0 };

describe.skipIf(socat === undefined)('BeiDou link over a socat pty', () => {
  for (const protocol of ['bd3', 'bd21'] as BeidouProtocol[]) {
    runLinkContract(
      `beidou (${protocol}): driver on a pty, module simulator, simulated network, the centre's link`,
      async () => {
        const w = await ptyWorld({
          protocol,
          network: { deliveryDelayMs: [500, 2_000] },
          cards: [
            { card: KIT, link: { id: 'bd-kit', centreCard: CENTRE.address } },
            { card: CENTRE, link: { id: 'bd-centre', cards: [KIT.address] } },
          ],
        });
        const [link, peer] = w.links as [(typeof w.links)[0], (typeof w.links)[0]];
        await peer.start();
        return { link, peer, teardown: () => w.teardown() };
      },
      { timeoutMs: 10_000 },
    );
  }
});

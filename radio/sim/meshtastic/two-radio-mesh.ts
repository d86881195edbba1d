/**
 * Two radios in range of each other on an idealised air, for the tests of the Meshtastic link
 * across the simulated mesh (docs/links.md §The Meshtastic simulator): LONG_FAST in the CN region,
 * a carrier sensed at once (senseDelayMs 0), nothing lost.
 *
 * Why idealised: with the firmware's real 20 ms sense time, two radios that pick contention slots
 * within 20 ms of each other collide, and a broadcast without want_ack lost that way is lost for
 * good, as on a real mesh; a test that asks every send to arrive would then fail at random.
 * Collisions and loss are the medium's tests' business (rf-medium.test.ts), multi-hop delivery
 * under loss mesh-multihop.test.ts's. Here the link is tested, over a channel that carries what it
 * is given.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import { ModemPreset, RegionCode } from '../../src/meshtastic/constants.js';
import { chainLinks, MeshNetwork } from './mesh-network.js';

/** A mesh of the radios numbered `a` and `b`, in range of each other, on `clock`. */
export function twoRadioMesh(a: number, b: number, clock: Clock): MeshNetwork {
  return new MeshNetwork({
    nodes: [{ num: a }, { num: b }],
    links: chainLinks([a, b]),
    preset: ModemPreset.LONG_FAST,
    region: RegionCode.CN,
    senseDelayMs: 0,
    seed: 4,
    clock,
  });
}

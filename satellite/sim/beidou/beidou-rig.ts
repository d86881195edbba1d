/**
 * A simulated BeiDou network with modules on in-process streams and a driver on each (docs/beidou.md
 * §The simulator), for the driver's and the link's tests and the benchmark: each card's module
 * simulator on one end of a duplex pair (node/src/link/duplex-pair.ts), the real driver on the other,
 * all on one clock.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { BeidouModule, type BeidouModuleOptions } from '../../src/beidou/beidou-module.js';
import type { BeidouProtocol } from '../../src/beidou/beidou-types.js';
import { BeidouNetworkSim, type BeidouNetworkSimOptions } from './beidou-network-sim.js';
import { BeidouModuleSim, type BeidouModuleSimOptions } from './module-sim.js';
import type { SimCard } from './sim-card.js';

export interface RigCard {
  protocol: BeidouProtocol;
  /** Absent: a module without a card. */
  card?: SimCard;
  sim?: Partial<BeidouModuleSimOptions>;
  driver?: Partial<Omit<BeidouModuleOptions, 'port'>>;
}

export interface RigEnd {
  sim: BeidouModuleSim;
  module: BeidouModule;
}

export interface BeidouRig {
  network: BeidouNetworkSim;
  ends: RigEnd[];
  close(): void;
}

export function beidouRig(o: {
  clock: Clock;
  network?: Partial<BeidouNetworkSimOptions>;
  cards: RigCard[];
}): BeidouRig {
  const network = new BeidouNetworkSim({ clock: o.clock, ...o.network });
  const ends = o.cards.map((c, i) => {
    const [host, device] = createDuplexPair();
    const sim = new BeidouModuleSim({
      protocol: c.protocol,
      clock: o.clock,
      network,
      seed: 100 + i,
      ...(c.card === undefined ? {} : { card: c.card }),
      ...c.sim,
    });
    sim.attach(device);
    const module = new BeidouModule({ port: host, clock: o.clock, ...c.driver });
    return { sim, module, host, device };
  });
  return {
    network,
    ends: ends.map(({ sim, module }) => ({ sim, module })),
    close() {
      for (const e of ends) {
        e.sim.close();
        void e.module.close();
        e.host.destroy();
        e.device.destroy();
      }
      network.close();
    },
  };
}

/**
 * The BeiDou links on the real path of a kit and a centre (docs/beidou.md §The simulator), for the
 * contract and end-to-end tests: each card's module simulator behind a socat pseudo-terminal
 * (pty-module.ts), the real `serialport` package opening the other end at 115200 baud, the driver
 * on it, and a BeidouLink that opens a fresh port and driver at every start(), as the daemon does.
 * The simulated network and the modules run on one sped-up clock, which the links share.
 */
import { RealClock } from '../../../node/src/link/clock.js';
import { BeidouLink, type BeidouLinkOptions } from '../../src/beidou/beidou-link.js';
import { BeidouModule, type BeidouModuleOptions } from '../../src/beidou/beidou-module.js';
import { closeBeidouPort, openBeidouPort } from '../../src/beidou/beidou-port.js';
import type { BeidouProtocol } from '../../src/beidou/beidou-types.js';
import { BeidouNetworkSim, type BeidouNetworkSimOptions } from './beidou-network-sim.js';
import type { BeidouModuleSimOptions } from './module-sim.js';
import { type PtyBeidouModule, startPtyBeidouModule } from './pty-module.js';
import type { SimCard } from './sim-card.js';

export interface PtyCard {
  card: SimCard;
  sim?: Partial<BeidouModuleSimOptions>;
  driver?: Partial<Omit<BeidouModuleOptions, 'port' | 'clock'>>;
  link: Omit<BeidouLinkOptions, 'module' | 'clock'>;
}

export interface PtyWorld {
  clock: RealClock;
  network: BeidouNetworkSim;
  modules: PtyBeidouModule[];
  /** The links, not started, in the order of the cards. */
  links: BeidouLink[];
  teardown(): Promise<void>;
}

export async function ptyWorld(o: {
  protocol: BeidouProtocol;
  cards: PtyCard[];
  /** Simulated ms per wall ms. Default 10. */
  speedup?: number;
  network?: Partial<BeidouNetworkSimOptions>;
}): Promise<PtyWorld> {
  const clock = new RealClock(o.speedup ?? 10);
  const network = new BeidouNetworkSim({ clock, ...o.network });
  const modules: PtyBeidouModule[] = [];
  try {
    for (const [i, c] of o.cards.entries())
      modules.push(
        await startPtyBeidouModule({
          protocol: o.protocol,
          card: c.card,
          clock,
          network,
          seed: 7 + i,
          ...c.sim,
        }),
      );
  } catch (err) {
    for (const m of modules) await m.close();
    network.close();
    throw err;
  }
  const links = o.cards.map(
    (c, i) =>
      new BeidouLink({
        ...c.link,
        clock,
        module: async () => {
          const port = await openBeidouPort((modules[i] as PtyBeidouModule).hostPath);
          return {
            module: new BeidouModule({ port, clock, ...c.driver }),
            close: () => closeBeidouPort(port),
          };
        },
      }),
  );
  return {
    clock,
    network,
    modules,
    links,
    async teardown() {
      await Promise.allSettled(links.map((l) => l.stop()));
      for (const m of modules) await m.close();
      network.close();
    },
  };
}

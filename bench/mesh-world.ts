/**
 * One run's simulated world for the mesh benchmark: the county's 20 radios on one
 * LONG_FAST medium (mesh-scenario.ts) on a PacedClock, a simulated device and a MeshtasticLink on
 * every radio that has a host (the kits and the gateway; the relays have none), and the relay
 * outage on its schedule. Every side of the benchmark builds the same world from the same seed,
 * and they differ only in what the hosts do. The radios run one firmware line's routers, 2.6 and
 * later (next-hop routing of direct messages) or before 2.6 (flooding everything), as a county
 * upgrading its radios might have either (docs/meshtastic.md §5.2).
 */

import { MeshNetwork } from '../radio/sim/meshtastic/mesh-network.js';
import type { RouterFirmware } from '../radio/sim/meshtastic/mesh-router.js';
import { PacedClock } from '../radio/sim/meshtastic/paced-clock.js';
import type { LinkQuality } from '../radio/sim/meshtastic/rf-medium.js';
import { type SimRadio, simRadio } from '../radio/sim/meshtastic/sim-radio.js';
import { ModemPreset, RegionCode } from '../radio/src/meshtastic/constants.js';
import { AirtimeLedger, type AirtimeShare } from './mesh-airtime.js';
import {
  GATEWAY,
  GATEWAY_RADIO,
  KITS,
  meshLinks,
  meshNodes,
  OUTAGE,
  outageLinks,
  SEED,
} from './mesh-scenario.js';

export interface MeshWorld {
  clock: PacedClock;
  network: MeshNetwork;
  /** By fieldnode node id: the 15 kits and the gateway. */
  radios: Map<number, SimRadio>;
  /** Simulated ms at which the hour began (links up); offers count from here. */
  startMs: number;
  /** Total time on air of every radio so far, ms. */
  airtimeMs(): number;
  /** The same, by what was carried and why it was on air. */
  ledger: AirtimeLedger;
  close(): Promise<void>;
}

export interface MeshWorldOptions {
  /** How much faster than wall time the mesh runs. */
  speedup: number;
  /** The routers every radio runs. */
  routerFirmware: RouterFirmware;
  /** The hop limit the hosts' links send with. Defaults to the radio's configured one (3). */
  hopLimit?: number;
  /**
   * Whether the hosts' links name, in each direct message, the packet it answers (the mesh link's
   * `answerHeardPackets`, docs/meshtastic.md §8.5). Default: the link's own default (off); a
   * plain client names nothing.
   */
  answerHeardPackets?: boolean;
}

export async function meshWorld(opts: MeshWorldOptions): Promise<MeshWorld> {
  const { speedup } = opts;
  const clock = new PacedClock(speedup);
  const network = new MeshNetwork({
    nodes: meshNodes(),
    links: meshLinks(),
    preset: ModemPreset.LONG_FAST,
    region: RegionCode.CN,
    routerFirmware: opts.routerFirmware,
    seed: SEED,
    clock,
  });
  const hosts = [{ id: GATEWAY, radio: GATEWAY_RADIO }, ...KITS];
  const ledger = new AirtimeLedger(
    network,
    hosts.map((h) => h.radio),
  );
  const radios = new Map<number, SimRadio>();
  const close = async (): Promise<void> => {
    for (const r of radios.values()) await r.close();
    clock.stop();
  };
  try {
    for (const h of hosts) {
      radios.set(
        h.id,
        await simRadio({
          network,
          node: h.radio,
          speedup,
          linkId: `mesh@${h.id}`,
          link: {
            ...(opts.hopLimit !== undefined && { hopLimit: opts.hopLimit }),
            ...(opts.answerHeardPackets !== undefined && { answerHeardPackets: opts.answerHeardPackets }),
          },
        }),
      );
    }
    await Promise.all([...radios.values()].map((r) => r.link.start()));
    for (const [id, r] of radios) {
      if (r.link.state.status !== 'up') throw new Error(`the link of node ${id} did not come up`);
    }
  } catch (err) {
    await close();
    throw err;
  }
  const startMs = clock.now();
  scheduleOutage(network, clock, startMs);
  return {
    clock,
    network,
    radios,
    startMs,
    ledger,
    airtimeMs: () => {
      let sum = 0;
      for (const n of network.medium.counters().byNode.values()) sum += n.airtimeMs;
      return sum;
    },
    close,
  };
}

/** Cuts every link of the outage relay for its window, then puts them back as they were. */
function scheduleOutage(network: MeshNetwork, clock: PacedClock, startMs: number): void {
  const cut = outageLinks();
  const saved = new Map<string, LinkQuality>();
  clock.after(startMs + OUTAGE.fromMs - clock.now(), () => {
    for (const [from, to] of cut) {
      const q = network.medium.link(from, to);
      if (q !== undefined) saved.set(`${from}>${to}`, q);
      network.medium.removeLink(from, to);
    }
  });
  clock.after(startMs + OUTAGE.toMs - clock.now(), () => {
    for (const [from, to] of cut) {
      const q = saved.get(`${from}>${to}`);
      if (q !== undefined) network.medium.setLink(from, to, q);
    }
  });
}

export interface SideResult {
  offered: number;
  /** Where the airtime went. */
  shares: AirtimeShare[];
  delivered: number;
  /** Simulated seconds from offer to delivery, one per delivered message. */
  latenciesS: number[];
  airtimeMs: number;
  transmissions: number;
  /** Simulated minutes the run lasted from the start of the hour. */
  simulatedMin: number;
}

export interface SideSummary {
  deliveryRatio: number;
  latencyP50s: number | null;
  latencyP95s: number | null;
  airtimePerDeliveredS: number | null;
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
}

const round = (x: number | null, digits: number): number | null =>
  x === null ? null : Number(x.toFixed(digits));

export function summarise(r: SideResult): SideSummary {
  return {
    deliveryRatio: round(r.offered === 0 ? 0 : r.delivered / r.offered, 3) ?? 0,
    latencyP50s: round(percentile(r.latenciesS, 0.5), 1),
    latencyP95s: round(percentile(r.latenciesS, 0.95), 1),
    airtimePerDeliveredS: r.delivered === 0 ? null : round(r.airtimeMs / 1000 / r.delivered, 2),
  };
}

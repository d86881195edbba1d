/**
 * Test support for MeshtasticLink on the faithful simulator: a small mesh on an idealised air
 * (nothing lost, a carrier sensed at once) at a fixed speed-up, with a link started on some of its
 * radios, every router event recorded and every frame each link receives kept. Used by the link
 * tests that count what went on air (meshtastic-link-reach.test.ts,
 * meshtastic-link-next-hop.test.ts).
 */
import type { InboundFrame } from '../../../../node/src/link/link.js';
import { type MeshLinkSpec, MeshNetwork } from '../../../sim/meshtastic/mesh-network.js';
import type { RouterEvent } from '../../../sim/meshtastic/mesh-router.js';
import { PacedClock } from '../../../sim/meshtastic/paced-clock.js';
import { type SimRadio, simRadio } from '../../../sim/meshtastic/sim-radio.js';
import { ModemPreset, RegionCode } from '../constants.js';
import type { MeshtasticLinkOptions } from '../meshtastic-link.js';

/** Mesh time runs this many times faster than wall time. */
export const SPEEDUP = 50;

const cleanups: Array<() => Promise<void> | void> = [];

/** Stops every mesh made by {@link idealisedMesh}; call it from afterEach. */
export async function closeMeshes(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export interface LinkedRadio {
  radio: SimRadio;
  /** Every frame this radio's link received, in order. */
  frames: InboundFrame[];
}

/**
 * `nodes` joined by `links`, with a started link (hop limit 3, plus `link`) on each node of
 * `linked`, in that order.
 */
export async function idealisedMesh(opts: {
  nodes: readonly number[];
  links: readonly MeshLinkSpec[];
  linked: readonly number[];
  seed: number;
  link?: Partial<MeshtasticLinkOptions>;
}): Promise<{ linked: LinkedRadio[]; events: RouterEvent[] }> {
  const clock = new PacedClock(SPEEDUP);
  cleanups.push(() => clock.stop());
  const network = new MeshNetwork({
    nodes: opts.nodes.map((num) => ({ num })),
    links: opts.links,
    preset: ModemPreset.LONG_FAST,
    region: RegionCode.CN,
    senseDelayMs: 0,
    seed: opts.seed,
    clock,
  });
  const events: RouterEvent[] = [];
  for (const n of opts.nodes) network.router(n).onEvent((e) => events.push(e));
  const linked: LinkedRadio[] = [];
  cleanups.push(async () => {
    for (const l of linked) await l.radio.close();
  });
  for (const node of opts.linked) {
    const linkId = `mesh-${node.toString(16)}`;
    const link = { hopLimit: 3, ...opts.link };
    const radio = await simRadio({ network, node, speedup: SPEEDUP, linkId, link });
    const frames: InboundFrame[] = [];
    radio.link.on('frame', (f) => frames.push(f));
    linked.push({ radio, frames });
  }
  await Promise.all(linked.map((l) => l.radio.link.start()));
  return { linked, events };
}

/** Resolves when `cond` holds, polling; fails the test after `ms` of wall time. */
export async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits `meshMs` of mesh time. */
export const meshWait = (meshMs: number) => new Promise((r) => setTimeout(r, meshMs / SPEEDUP));

/**
 * The fieldnode side of the mesh benchmark: real cores with real LevelDB stores on the
 * 15 kits and the gateway, MeshtasticLinks on their simulated radios, and the county centre
 * behind the gateway on a lossless IP link. Each kit sends its reports to the centre as DMs to the
 * gateway's radio, without want_ack for their first eight sends (the core confirms them
 * itself: docs/store-and-forward.md §Airtime on the mesh); the gateway takes custody and forwards
 * them over IP; the centre's receipts come back the same way, and the gateway's answers go no
 * farther than each kit was heard from. A
 * kit keeps a report, and sends it again with backoff, until custody or its receipt comes;
 * fieldnode's default timings throughout (mesh-fieldnode.ts).
 *
 * A report counts as delivered when it is in the centre's inbox; its latency runs from the
 * moment the kit's core was given it.
 */
import type { CoreLink } from '../node/src/core/node-core.js';
import type { Route } from '../node/src/core/routing-table.js';
import { createFakeLinkPair } from '../node/src/link/fake-link.js';
import type { RouterFirmware } from '../radio/sim/meshtastic/mesh-router.js';
import { FieldNodes } from './mesh-fieldnode.js';
import { CENTRE, GATEWAY, HOUR_MS, KITS, offers, reportDraft } from './mesh-scenario.js';
import { meshWorld, type SideResult } from './mesh-world.js';

export interface FieldnodeRun extends SideResult {
  /** The frame each offer became, in offer order: the baseline sends the same bytes. */
  frames: Uint8Array[];
  /** The reports' lifetime, simulated minutes. */
  lifetimeMin: number;
  /** Reports whose receipt reached the kit. */
  receiptsBack: number;
  /** Frames the kits' links handed to their radios (reports, custody of receipts, and resends). */
  kitFrames: number;
  /** Frames the gateway's mesh link handed to its radio (custody signals, receipts, and resends). */
  gatewayFrames: number;
  /** Frames the cores refused (forged, replayed, malformed): none expected. */
  rejected: string[];
}

const route = (target: Route['target'], link: string, nextHop: string): Route => ({
  target,
  link,
  nextHop,
  cost: 0,
  source: 'config',
});

/**
 * Runs the hour and goes on until every report is delivered and its receipt is back at its kit,
 * or its lifetime has ended.
 */
export async function runFieldnodeSide(opts: {
  speedup: number;
  routerFirmware: RouterFirmware;
}): Promise<FieldnodeRun> {
  const world = await meshWorld(opts);
  const nodes = new FieldNodes({ speedup: opts.speedup, centre: CENTRE });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'] });
  try {
    const gatewayRadio = world.radios.get(GATEWAY);
    if (gatewayRadio === undefined) throw new Error('no gateway radio');
    const kitAddress = new Map(KITS.map((k) => [k.id, world.radios.get(k.id)?.address ?? '']));

    await nodes.add({
      id: CENTRE,
      links: [{ link: ipC, costClass: 'ip', neighbours: { G: GATEWAY } }],
      routes: [{ target: { to: 'default' }, link: 'ip@C', nextHop: 'G', cost: 0, source: 'config' }],
    });
    const gatewayLinks: CoreLink[] = [
      {
        link: gatewayRadio.link,
        costClass: 'mesh',
        neighbours: Object.fromEntries(KITS.map((k) => [kitAddress.get(k.id) ?? '', k.id])),
      },
      { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
    ];
    await nodes.add({
      id: GATEWAY,
      links: gatewayLinks,
      routes: [
        route({ to: 'centre' }, 'ip@G', 'C'),
        ...KITS.map((k) =>
          route({ to: 'node', node: k.id }, gatewayRadio.link.id, kitAddress.get(k.id) ?? ''),
        ),
      ],
    });
    for (const k of KITS) {
      const radio = world.radios.get(k.id);
      if (radio === undefined) throw new Error(`no radio for kit ${k.id}`);
      await nodes.add({
        id: k.id,
        area: 430121101200 + (k.id % 100),
        links: [{ link: radio.link, costClass: 'mesh', neighbours: { [gatewayRadio.address]: GATEWAY } }],
        routes: [route({ to: 'centre' }, radio.link.id, gatewayRadio.address)],
      });
    }
    await ipG.start();
    await ipC.start();
    await nodes.start();

    const { clock, startMs } = world;
    const offered = offers();
    // The shortest lifetime the wire format has, one minute of the cores' (wall) time, is
    // `speedup` simulated minutes: two hours at 120×.
    const lifetimeMs = 60_000 * opts.speedup;
    const submittedAt = new Map<string, number>();
    const ids: Array<string | undefined> = offered.map(() => undefined);
    const frames: Uint8Array[] = offered.map(() => new Uint8Array());
    const failures: unknown[] = [];
    for (const [i, o] of offered.entries()) {
      clock.after(startMs + o.atMs - clock.now(), () => {
        const kit = nodes.node(o.kit);
        const at = clock.now();
        kit.core
          .submit(reportDraft(o.n, 1))
          .then(async (id) => {
            submittedAt.set(id, at);
            frames[i] = (await kit.store.getFrame(id)) ?? new Uint8Array();
            ids[i] = id;
          })
          .catch((err: unknown) => failures.push(err));
      });
    }
    const deliveredAt = new Map<string, number>();
    nodes.node(CENTRE).core.on('delivered', (m, meta) => {
      if (m.kind === 'report' && !deliveredAt.has(meta.id)) deliveredAt.set(meta.id, clock.now());
    });

    const receiptBack = async (id: string): Promise<boolean> =>
      (await nodes.node(Number(id.split('/')[0])).store.getMeta(id))?.state === 'received';
    /** Every report delivered with its receipt back at the kit, or past its lifetime. */
    const settled = async (): Promise<boolean> => {
      for (const id of ids) {
        if (id === undefined) return false;
        if (clock.now() >= (submittedAt.get(id) ?? 0) + lifetimeMs) continue;
        if (!deliveredAt.has(id) || !(await receiptBack(id))) return false;
      }
      return true;
    };
    // A bound for a run that went wrong: the last offer's lifetime is over by then.
    const end = startMs + HOUR_MS + lifetimeMs;
    while (failures.length === 0 && clock.now() < end && !(await settled())) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (failures.length > 0) throw new Error('a kit refused a report', { cause: failures[0] });

    const latenciesS: number[] = [];
    for (const [id, at] of deliveredAt) {
      const from = submittedAt.get(id);
      // Delivered within its lifetime: what counts.
      if (from !== undefined && at - from <= lifetimeMs) latenciesS.push((at - from) / 1000);
    }
    let receiptsBack = 0;
    for (const id of ids) if (id !== undefined && (await receiptBack(id))) receiptsBack++;
    return {
      offered: offered.length,
      shares: world.ledger.shares(),
      delivered: latenciesS.length,
      latenciesS,
      airtimeMs: world.airtimeMs(),
      transmissions: world.network.medium.counters().transmissions,
      simulatedMin: (clock.now() - startMs) / 60_000,
      frames,
      receiptsBack,
      lifetimeMin: lifetimeMs / 60_000,
      kitFrames: KITS.reduce((n, k) => n + (world.radios.get(k.id)?.link.counters().txFrames ?? 0), 0),
      gatewayFrames: gatewayRadio.link.counters().txFrames,
      rejected: [...nodes.nodes.values()].flatMap((n) => n.rejected),
    };
  } finally {
    // Links first: stopping one settles the sends in flight on it, which the cores wait for.
    await world.close();
    await ipG.stop();
    await ipC.stop();
    await nodes.stop();
  }
}

/**
 * The real nodes of the 叫应 storm (docs/mesh-simulator.md §The 叫应 storm): the mesh benchmark's
 * centre, gateway and 15 kits (mesh-fieldnode.ts: NodeCores with LevelDB stores on wall time, the
 * kits and the gateway on their simulated radios, the centre behind the gateway on a lossless IP
 * link), routed as a county routes them (node/src/demo/county-configs.ts): the centre sends
 * everything to the gateway; the gateway sends the centre's broadcasts to everyone on the mesh,
 * each kit's messages to its radio, and the rest to the centre; a kit sends to the gateway's radio.
 * Every node knows the warning issuer's key (keys.issuers), and the centre the kits a broadcast
 * is for, from their areas (as node/src/app.ts gives its core).
 */
import type { Route } from '../node/src/core/routing-table.js';
import type { IssuerKey } from '../node/src/crypto/authenticate.js';
import { areaContains } from '../node/src/domain/roster/area-code.js';
import { createFakeLinkPair, type FakeLink } from '../node/src/link/fake-link.js';
import { FieldNodes } from './mesh-fieldnode.js';
import { CENTRE, GATEWAY, KITS } from './mesh-scenario.js';
import { STORM_ISSUER, villageOf } from './mesh-storm-county.js';
import type { MeshWorld } from './mesh-world.js';

const route = (target: Route['target'], link: string, nextHop?: string): Route => ({
  target,
  link,
  ...(nextHop !== undefined && { nextHop }),
  cost: 0,
  source: 'config',
});

export interface StormNodes {
  nodes: FieldNodes;
  ip: [FakeLink, FakeLink];
}

/** Adds and starts the centre, the gateway and the kits on `world`'s radios. */
export async function stormNodes(
  world: MeshWorld,
  o: { speedup: number; issuer: IssuerKey },
): Promise<StormNodes> {
  const nodes = new FieldNodes({
    speedup: o.speedup,
    centre: CENTRE,
    issuerKey: (id) => (id === STORM_ISSUER ? o.issuer : undefined),
  });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'] });
  const gatewayRadio = world.radios.get(GATEWAY);
  if (gatewayRadio === undefined) throw new Error('no gateway radio');
  const kitAddress = new Map(KITS.map((k) => [k.id, world.radios.get(k.id)?.address ?? '']));

  await nodes.add({
    id: CENTRE,
    links: [{ link: ipC, costClass: 'ip', neighbours: { G: GATEWAY } }],
    routes: [route({ to: 'default' }, 'ip@C', 'G')],
    broadcastTargets: (dest) => {
      if (dest.to === 'all') return KITS.map((k) => k.id);
      if (dest.to !== 'area') return undefined;
      const inArea = KITS.filter((k) => areaContains(dest.area, villageOf(k.id)));
      return inArea.length > 0 ? inArea.map((k) => k.id) : undefined;
    },
  });
  const mesh = gatewayRadio.link.id;
  await nodes.add({
    id: GATEWAY,
    links: [
      {
        link: gatewayRadio.link,
        costClass: 'mesh',
        neighbours: Object.fromEntries(KITS.map((k) => [kitAddress.get(k.id) ?? '', k.id])),
      },
      { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
    ],
    routes: [
      route({ to: 'centre' }, 'ip@G', 'C'),
      ...KITS.map((k) => route({ to: 'node', node: k.id }, mesh, kitAddress.get(k.id) ?? '')),
      route({ to: 'all' }, mesh),
    ],
  });
  for (const k of KITS) {
    const radio = world.radios.get(k.id);
    if (radio === undefined) throw new Error(`no radio for kit ${k.id}`);
    await nodes.add({
      id: k.id,
      area: villageOf(k.id),
      links: [{ link: radio.link, costClass: 'mesh', neighbours: { [gatewayRadio.address]: GATEWAY } }],
      routes: [route({ to: 'centre' }, radio.link.id, gatewayRadio.address)],
    });
  }
  await ipG.start();
  await ipC.start();
  await nodes.start();
  return { nodes, ip: [ipG, ipC] };
}

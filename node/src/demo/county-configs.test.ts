/**
 * The demonstration county's configurations (docs/demo-county.md §How it is wired, §Safe
 * defaults): every node's passes the daemon's own checks, in both wirings and with or without
 * --lan; every node is a drill; nothing but a web port ever listens beyond loopback, and a web port does only with --lan,
 * naming the origins phones use (which the API requires off loopback). Every workflow has what it
 * needs to be tried (docs/demo-county.md): shelters everywhere, the rescue team with its kit, and
 * at every village kit someone who may file a request or an SOS, whom the centre's duty officer may
 * answer.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { GRANTS } from '../domain/roster/permissions.js';
import { type CountyUplink, type CountyWeb, DEMO_TIMINGS, nodeConfig } from './county-configs.js';
import type { CountyMesh } from './county-mesh.js';
import { DEMO_NODES, type DemoNodePlan, planOf, TEAM } from './county-plan.js';
import { DemoPaths } from './demo-paths.js';

const paths = new DemoPaths('/srv/county');
const identities = new Map(DEMO_NODES.map((n) => [n.id, Buffer.alloc(32, n.id % 251).toString('base64')]));
/** Any 32 bytes: the configuration checks the form of the issuer's key, not whose it is. */
const ISSUER_KEY = Buffer.alloc(32, 7).toString('base64');
const mesh: CountyMesh = {
  via: 'tcp',
  address: (id) => ({ host: '127.0.0.1', tcp_port: 40_000 + (id % 1000) }),
  radioId: (id) => `!${(planOf(id).radio as number).toString(16)}`,
  close: async () => {},
};
const satellite: CountyUplink = {
  kind: 'satellite',
  pushPort: 41_000,
  satellite: {
    modemPath: '/srv/county/radios/gateway-3001/ttyIridium',
    mtEndpoint: 'http://127.0.0.1:41001/rockblock/MT',
    verifyKeyFile: '/srv/county/sim/rockblock/push-verify-key.pem',
    credentials: { username: 'u', password: 'p' },
    close: async () => {},
  },
};
const udp: CountyUplink = { kind: 'udp', centrePort: 42_000, gatewayPort: 42_001 };
const web = (host: string, lanAddresses: string[] = []): CountyWeb => ({
  host,
  ports: new Map(DEMO_NODES.map((n) => [n.id, 8100 + n.webOffset])),
  lanAddresses,
});

function configOf(node: DemoNodePlan, uplink: CountyUplink, w: CountyWeb, timings = DEMO_TIMINGS): Config {
  const raw = nodeConfig(node, {
    paths,
    web: w,
    identities,
    issuerPublicKey: ISSUER_KEY,
    mesh,
    uplink,
    timings,
  });
  return parseConfig(raw, { baseDir: '/srv/county/nodes', env: {} });
}

/** Every address a link of `config` listens or binds on. */
function listening(config: Config): string[] {
  return config.links.flatMap((l) =>
    l.type === 'udp' ? [l.bind.host] : l.type === 'rockblock' || l.type === 'directip' ? [l.listen.host] : [],
  );
}

describe('the county’s configurations', () => {
  for (const [name, uplink] of [
    ['satellite', satellite],
    ['udp', udp],
  ] as const) {
    it(`pass the daemon's checks and listen on loopback only (${name} uplink)`, () => {
      for (const node of DEMO_NODES) {
        const config = configOf(node, uplink, web('127.0.0.1'));
        // A drill, every one: its reports are exercises, never summed with real ones.
        expect(config.node).toMatchObject({ id: node.id, role: node.role, area: node.area, drill: true });
        expect(config.dataDir).toBe(`/srv/county/nodes/${node.slug}`);
        expect(listening(config).filter((h) => h !== '127.0.0.1')).toEqual([]);
        expect(config.http?.listen).toEqual({ host: '127.0.0.1', port: 8100 + node.webOffset });
        expect(config.roster.people).toHaveLength(6);
      }
    });
  }

  it('with --lan, the web ports alone listen on every address, naming the phones’ origins', () => {
    const config = configOf(planOf(2101), satellite, web('0.0.0.0', ['192.168.1.23']));
    expect(config.http?.listen.host).toBe('0.0.0.0');
    expect(config.http?.publicOrigins).toEqual(['http://192.168.1.23:8102']);
    expect(listening(configOf(planOf(1), satellite, web('0.0.0.0', ['192.168.1.23'])))).toEqual([
      '127.0.0.1',
    ]);
    // A machine with no network address yet still gets a configuration the API takes.
    expect(configOf(planOf(2101), satellite, web('0.0.0.0')).http?.publicOrigins).toEqual([
      'http://127.0.0.1:8102',
    ]);
  });

  it('the gateway holds briefly and beacons hourly over the satellite; the kits route through it', () => {
    const gateway = configOf(planOf(3001), satellite, web('127.0.0.1'));
    const sat = gateway.links.find((l) => l.type === 'iridium-sbd');
    expect(sat).toMatchObject({ holdMs: [5000, 30_000, 120_000], ringAlerts: true });
    expect(gateway.routing.beaconIntervalMs).toBe(3_600_000);
    const kit = configOf(planOf(2103), satellite, web('127.0.0.1'));
    expect(kit.routing.beaconIntervalMs).toBe(300_000);
    expect(kit.routes).toEqual([expect.objectContaining({ dest: { to: 'centre' }, nextHop: '!de503001' })]);
    // The receipt wait is the county's default, unless the timings shorten it (the tests' do).
    expect(kit.routing.receiptWaitMs).toBe(600_000);
    const quick = { ...DEMO_TIMINGS, receiptWaitS: 60 };
    expect(configOf(planOf(2103), satellite, web('127.0.0.1'), quick).routing.receiptWaitMs).toBe(60_000);
    const quickGateway = configOf(planOf(3001), satellite, web('127.0.0.1'), quick);
    expect(quickGateway.routing).toMatchObject({ beaconIntervalMs: 3_600_000, receiptWaitMs: 60_000 });
  });

  it('has shelters, the rescue team with its kit, and requests filed at each village and answered at the centre', () => {
    const configs = DEMO_NODES.map((n) => ({ node: n, config: configOf(n, udp, web('127.0.0.1')) }));
    const may = (roles: readonly string[], permission: string) =>
      roles.some((r) => (GRANTS as Record<string, Record<string, unknown>>)[r]?.[permission] !== undefined);
    for (const { node, config } of configs) {
      // The same three shelters everywhere; the evacuation lists, with names, at the centre only.
      expect(config.shelters?.sites.map((s) => s.number)).toEqual([1, 2, 3]);
      expect((config.shelters?.expected.length ?? 0) > 0).toBe(node.role === 'centre');
      // The team is its kit, the same list everywhere.
      expect(config.teams?.list).toEqual([
        expect.objectContaining({ kit: TEAM, leader: planOf(TEAM).person }),
      ]);
    }
    expect(planOf(TEAM).role).toBe('team');
    const people = configs[0]?.config.roster.people ?? [];
    for (const kit of DEMO_NODES.filter((n) => n.role === 'kit')) {
      // Someone of the kit's village files its requests and SOS.
      expect(
        people.some((p) => p.areas.includes(kit.area as number) && may(p.roles, 'request.file')),
        `a person who may file a request at kit ${kit.id}`,
      ).toBe(true);
    }
    // The team's leader may send an SOS from the team's phone; the duty officer answers at the centre.
    const leader = people.find((p) => p.id === planOf(TEAM).person);
    expect(may(leader?.roles ?? [], 'request.file')).toBe(true);
    expect(people.some((p) => may(p.roles, 'request.answer'))).toBe(true);
  });
});

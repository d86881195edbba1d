import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError, type KitError } from '../base/errors.js';
import { defaultConfig, loadConfig } from './load.js';
import { parseDestination, parseValidUntil } from './sections.js';

const EXAMPLE = fileURLToPath(new URL('./example.yaml', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function loadError(path: string, env: NodeJS.ProcessEnv = {}): Promise<KitError> {
  const err = await loadConfig(path, { env, cwd: dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(err)) throw new Error(`expected a KitError, got ${String(err)}`);
  return err;
}

describe('the example file', () => {
  it('validates and reads as documented, outside the test runner too', async () => {
    // As a daemon would load it: no key published in this repository may be in it.
    const config = await loadConfig(EXAMPLE, { env: {}, cwd: dir, refuseTestKeys: true });
    expect(config.node).toEqual({
      id: 2107,
      role: 'kit',
      area: 430121101201,
      name: '青山村应急点',
      drill: false,
    });
    expect(config.dataDir).toBe('/var/lib/fieldnode');
    expect(config.centreNodes).toEqual([1]);
    expect(config.keys.kitKeyFile).toBe(join(fileURLToPath(new URL('.', import.meta.url)), 'kit.key'));
    expect(config.keys.masterSecretFile).toBeUndefined();
    expect(config.keys.relayKeysFile).toBeUndefined();
    const [issuer] = config.keys.issuers;
    expect(Buffer.from(issuer?.publicKey ?? []).toString('base64')).toBe(
      'tttSst+Y6VHLHvRaa0S+bRUZHqJdT23yefL2voMwn0I=',
    );
    expect(config.keys.nodes).toEqual([
      {
        id: 3001,
        publicKey: new Uint8Array(Buffer.from('UhHfW41elkDcWmpaPnzoeBxheurmfrcN7rEjGqP4ibY=', 'base64')),
        area: 430121101,
        role: 'gateway',
      },
    ]);
    expect(issuer?.powers).toEqual(['warning', 'control']);
    expect(issuer?.validUntil).toBe(Date.UTC(2027, 11, 31, 23, 59, 59) / 1000);
    expect(config.links.map((l) => [l.id, l.type, l.enabled, l.cost])).toEqual([
      ['udp0', 'udp', true, 'ip'],
      ['mesh0', 'meshtastic', false, 'mesh'],
      ['sat0', 'iridium-sbd', false, 'satellite'],
    ]);
    expect(config.links[0]).toMatchObject({
      mtu: 1200,
      bind: { host: '0.0.0.0', port: 4710 },
      peers: [{ name: 'gateway', host: '192.168.10.1', port: 4710, node: 3001 }],
    });
    expect(config.links[1]).toMatchObject({
      transport: { kind: 'serial' },
      portnum: 256,
      channel: 0,
      hopLimit: 3,
      neighbours: { '!a1b2c3d4': 3001 },
    });
    expect(config.links[2]).toMatchObject({
      ringAlerts: true,
      holdMs: [300_000, 1_800_000, 7_200_000],
      budget: { perDay: 200, perIncident: 1000 },
    });
    expect(config.routes[0]).toEqual({
      dest: { to: 'centre' },
      via: 'udp0',
      nextHop: 'gateway',
      cost: 1,
      priorities: [0, 1, 2, 3],
    });
    expect(config.routes[2]).toEqual({ dest: { to: 'all' }, via: 'mesh0' });
    expect(config.routing).toEqual({
      beaconIntervalMs: 300_000,
      receiptWaitMs: 600_000,
      latencyBoundMs: { p0: 300_000, p1: 1_800_000, p2: 7_200_000, p3: 86_400_000 },
    });
    expect(config.retry).toEqual({ initialMs: 5000, maxMs: 600_000, jitter: 0.2 });
    expect(config.control.socket).toBe('/var/lib/fieldnode/control.sock');
    expect(
      Object.isFrozen(config) && Object.isFrozen(config.links[0]) && Object.isFrozen(config.routes),
    ).toBe(true);
  });
});

describe('defaults and overrides', () => {
  it('a minimal file gets every default; relative paths in the file follow the file', async () => {
    const path = await file(
      'min.yaml',
      'node: { id: 7, role: gateway }\nlinks:\n  - { id: m, type: meshtastic, host: localhost }\n',
    );
    const config = await loadConfig(path, { env: {}, cwd: '/somewhere' });
    expect(config.dataDir).toBe('/somewhere/.fieldnode');
    expect(config.control.socket).toBe('/somewhere/.fieldnode/control.sock');
    expect(config.log.level).toBe('info');
    expect(config.keys).toEqual({ issuers: [], nodes: [] });
    expect(config.links[0]).toEqual({
      id: 'm',
      type: 'meshtastic',
      enabled: true,
      cost: 'mesh',
      transport: { kind: 'tcp', host: 'localhost', port: 4403 },
      neighbours: {},
    });
    expect(config.routing.latencyBoundMs.p3).toBe(86_400_000);

    const rel = await file('rel.yaml', 'node: { id: 7, role: gateway }\ndata_dir: data\n');
    expect((await loadConfig(rel, { env: {} })).dataDir).toBe(join(dir, 'data'));
  });

  it('FIELDNODE_DATA_DIR and FIELDNODE_LOG_LEVEL override the file; a bad level is a problem', async () => {
    const path = await file('c.yaml', 'node: { id: 7, role: team }\ndata_dir: /data\nlog: { level: warn }\n');
    const config = await loadConfig(path, {
      env: { FIELDNODE_DATA_DIR: 'env-data', FIELDNODE_LOG_LEVEL: 'debug' },
      cwd: '/w',
    });
    expect(config.dataDir).toBe('/w/env-data');
    expect(config.log.level).toBe('debug');
    const err = await loadError(path, { FIELDNODE_LOG_LEVEL: 'loud' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(
      '$FIELDNODE_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace',
    );
  });

  it('keeps no deliveries journal unless deliveries.journal names one, relative to the file', async () => {
    const none = await file('n.yaml', 'node: { id: 7, role: kit }\n');
    expect((await loadConfig(none, { env: {} })).deliveries).toEqual({});
    const rel = await file('j.yaml', 'node: { id: 7, role: kit }\ndeliveries: { journal: out/d.jsonl }\n');
    expect((await loadConfig(rel, { env: {}, cwd: '/elsewhere' })).deliveries.journal).toBe(
      join(dir, 'out', 'd.jsonl'),
    );
    const bad = await file('b.yaml', 'node: { id: 7, role: kit }\ndeliveries: { journal: 3, keep: 1 }\n');
    const err = await loadError(bad);
    expect(err.message).toContain('deliveries.journal: expected text, found 3');
    expect(err.message).toContain('deliveries.keep');
  });

  it('keeps final messages a day unless store.retention_s says otherwise, at least a minute', async () => {
    const none = await file('n.yaml', 'node: { id: 7, role: kit }\n');
    expect((await loadConfig(none, { env: {} })).store).toEqual({ retentionMs: 86_400_000 });
    const week = await file('w.yaml', 'node: { id: 7, role: kit }\nstore: { retention_s: 604800 }\n');
    expect((await loadConfig(week, { env: {} })).store.retentionMs).toBe(604_800_000);
    const bad = await file('b.yaml', 'node: { id: 7, role: kit }\nstore: { retention_s: 5, keep: 1 }\n');
    const err = await loadError(bad);
    expect(err.message).toContain('store.retention_s');
    expect(err.message).toContain('store.keep');
  });

  it('a node is a drill only when node.drill is true; anything but true or false is refused', async () => {
    const plain = await file('plain.yaml', 'node: { id: 7, role: kit }\n');
    expect((await loadConfig(plain, { env: {} })).node.drill).toBe(false);
    const drill = await file('drill.yaml', 'node: { id: 7, role: kit, drill: true }\n');
    expect((await loadConfig(drill, { env: {} })).node).toEqual({ id: 7, role: 'kit', drill: true });
    const off = await file('off.yaml', 'node: { id: 7, role: kit, drill: false }\n');
    expect((await loadConfig(off, { env: {} })).node.drill).toBe(false);

    // YAML 1.2 reads `yes` as text, not as true: a file that says it must say true.
    const yes = await file('yes.yaml', 'node:\n  id: 7\n  role: kit\n  drill: yes\n');
    const err = await loadError(yes);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe(
      `${yes}: 1 problem:\n  - 4:3 node.drill: expected true or false, found text "yes"`,
    );
    const one = await file('one.json', JSON.stringify({ node: { id: 7, role: 'kit', drill: 1 } }));
    expect((await loadError(one)).message).toContain('node.drill: expected true or false, found 1');
  });

  it('the built-in default is a standalone centre with no links', () => {
    const config = defaultConfig({ env: {}, cwd: '/w' });
    expect(config.node).toMatchObject({ id: 1, role: 'centre' });
    expect(config.links).toEqual([]);
    expect(config.dataDir).toBe('/w/.fieldnode');
  });
});

describe('mistakes', () => {
  it('every problem in a file is reported, by path, in one CONFIG_INVALID', async () => {
    const path = await file(
      'bad.yaml',
      `node:
  role: kits
  area: 4301211
lgo: { level: info }
centre_nodes: [1, 1]
keys:
  issuers:
    - { id: 3, public_key: not-base64, powers: [warning, sign] }
links:
  - { id: udp0, type: udp, peers: { gw: { host: 10.0.0.1 } } }
  - { id: mesh0, type: meshtastic, bind: { port: 1 } }
  - { id: udp0, type: iridium-sbd, port: /dev/ttyUSB0 }
  - { id: Bad_Id, type: lora }
  - { id: mesh1, type: meshtastic, host: h, mtu: 230, portnum: 257, hop_limit: 9, neighbours: { a1b2: 5, '!zz': 6, '!0a': 0, '!ffffffff': 7 } }
routes:
  - { dest: 'node:0', via: sat9 }
  - { dest: village, via: udp0 }
retry: { initial_s: 10, max_s: 5, jitter: 2 }
`,
    );
    const err = await loadError(path);
    expect(err.code).toBe('CONFIG_INVALID');
    const expected = [
      'node.id: required',
      'node.role: expected one of kit, gateway, team, centre, found text "kits"',
      'node.area: 4301211 is not a 6, 9 or 12 digit area code',
      'lgo: unknown key (did you mean log?)',
      'centre_nodes[1]: 1 is listed twice',
      'keys.issuers[0].public_key: expected base64 of 32 bytes',
      'keys.issuers[0].powers[1]: expected one of warning, control, found "sign"',
      'links[0].bind: required for type udp',
      'links[0].peers.gw.port: required',
      'links[1].bind: not used by type meshtastic',
      'links[1].port: required for type meshtastic (or host, for meshtasticd over TCP)',
      'links[2].id: "udp0" is already the id of links[0]',
      'links[3].id: use 1 to 32 of a-z, 0-9 and -',
      'links[3].type: expected one of udp, meshtastic, iridium-sbd, rockblock, directip, beidou, found text "lora"',
      'links[4].mtu: at most 219 for type meshtastic',
      'links[4].portnum: 257 is taken by ATAK_FORWARDER; use 256 or 258..511',
      'links[4].hop_limit: ',
      'links[4].neighbours.a1b2: a mesh node number',
      'links[4].neighbours.!zz: a mesh node number',
      'links[4].neighbours.!0a: a node id 1..4294967295',
      'links[4].neighbours.!ffffffff: a mesh node number',
      'routes[0].dest: node id 0 is not 1..4294967295',
      'routes[0].via: no link "sat9" (links: udp0, mesh0, mesh1)',
      'routes[1].dest: expected centre, all, node:N, area:CODE or role:N, found "village"',
      'retry.max_s: must be at least initial_s (10)',
      'retry.jitter: expected a number from 0 to 1, found 2',
    ];
    for (const line of expected) expect(err.message).toContain(line);
    expect(err.message).toContain(`${path}: ${expected.length} problems:`);
  });

  it('a missing section is one problem, not one per field; a wrong type is named', async () => {
    const err = await loadError(await file('empty.yaml', 'links: {}\nrouting: { beacon_interval_s: "5" }\n'));
    expect(err.message).toContain('node: required');
    expect(err.message).not.toContain('node.id');
    expect(err.message).toContain('links: expected a list, found a mapping');
    expect(err.message).toContain('routing.beacon_interval_s: expected a number at least 1, found text "5"');
  });

  it('a centre must be listed in centre_nodes, and a kit must not be', async () => {
    const centre = await loadError(await file('c.yaml', 'node: { id: 5, role: centre }\n'));
    expect(centre.message).toContain(
      'centre_nodes: node.id 5 has role centre but is not in centre_nodes [1]',
    );
    const kit = await loadError(await file('k.yaml', 'node: { id: 9, role: kit }\ncentre_nodes: [1, 9]\n'));
    expect(kit.message).toContain('centre_nodes: lists node.id 9, whose role is kit, not centre');
  });

  it('a control socket path too long for a unix socket is refused', async () => {
    const err = await loadError(
      await file('s.yaml', `node: { id: 7, role: kit }\ndata_dir: /${'d'.repeat(120)}\n`),
    );
    expect(err.message).toMatch(
      /control\.socket: \/d+\/control\.sock is 13\d bytes; a unix socket path is at most 107/,
    );
    // Short enough itself, but not the private directory it is made in first (control-socket.ts).
    const staging = await loadError(
      await file('t.yaml', `node: { id: 7, role: kit }\ncontrol: { socket: /${'d'.repeat(96)}/c }\n`),
    );
    expect(staging.message).toContain('control.socket: the socket is made in a private directory in /ddd');
  });
});

describe('file formats', () => {
  it('the centre’s satellite ingress links: rockblock and directip', async () => {
    const ok = await file(
      'centre.yaml',
      `node: { id: 1, role: centre }
links:
  - id: rb
    type: rockblock
    listen: { port: 8480 }
    verify_key_file: sim.pem
    imeis: { '300534060000001': 2107 }
  - id: dip
    type: directip
    listen: { host: 127.0.0.1, port: 10800 }
    mt_gateway: { host: 127.0.0.1, port: 10801 }
    allowed_sources: [127.0.0.1]
`,
    );
    const config = await loadConfig(ok, { env: {} });
    expect(config.links[0]).toEqual({
      id: 'rb',
      type: 'rockblock',
      enabled: true,
      cost: 'satellite',
      listen: { host: '0.0.0.0', port: 8480 },
      verifyKeyFile: join(dir, 'sim.pem'),
      imeis: { '300534060000001': 2107 },
    });
    expect(config.links[1]).toMatchObject({
      type: 'directip',
      confirm: false,
      mtGateway: { port: 10801 },
      allowedSources: ['127.0.0.1'],
      proxyProtocol: false,
      trustedProxies: [],
    });

    const bad = await file(
      'bad.yaml',
      `node: { id: 1, role: centre }
links:
  - { id: rb, type: rockblock, path: push, mt_endpoint: 'https://u:p@example.invalid/MT', imeis: { '1234': 5 } }
  - { id: dip, type: directip, listen: { port: 1 } }
  - { id: sat, type: iridium-sbd, port: /dev/x, hold_s: { p1: 600, p2: 60, p3: 7200 }, budget: { per_day: 0 } }
  - { id: sat2, type: iridium-sbd, port: /dev/y, hold_s: { p1: 600 } }
`,
    );
    const err = await loadError(bad);
    for (const line of [
      'links[0].listen: required for type rockblock',
      'links[0].path: a URL path starting with /',
      'links[0].mt_endpoint: no credentials in the URL',
      'links[0].imeis.1234: an IMEI is 15 digits',
      'links[1].mt_gateway: required for type directip',
      'links[1].allowed_sources: required for type directip: the gateway addresses',
      'links[2].hold_s: a lower priority may not wait less than a higher one',
      'links[2].budget.per_day: ',
      'links[3].hold_s: give p1, p2 and p3 together',
    ])
      expect(err.message).toContain(line);
  });

  it('the centre’s satellite doors: https for the MT endpoint but on loopback, the PROXY protocol', async () => {
    const ok = await file(
      'doors.yaml',
      `node: { id: 1, role: centre }
links:
  - { id: rb, type: rockblock, listen: { port: 1 }, mt_endpoint: 'http://127.0.0.1:8481/rockblock/MT' }
  - { id: rb2, type: rockblock, listen: { port: 2 }, mt_endpoint: 'http://[::1]:8481/rockblock/MT' }
  - id: dip
    type: directip
    listen: { port: 3 }
    mt_gateway: { host: 12.47.179.12, port: 10800 }
    allowed_sources: [12.47.179.11]
    proxy_protocol: true
    trusted_proxies: [10.0.0.2, '::1']
`,
    );
    const config = await loadConfig(ok, { env: {} });
    expect(config.links.map((l) => (l.type === 'rockblock' ? l.mtEndpoint : undefined))).toEqual([
      'http://127.0.0.1:8481/rockblock/MT',
      'http://[::1]:8481/rockblock/MT',
      undefined,
    ]);
    expect(config.links[2]).toMatchObject({ proxyProtocol: true, trustedProxies: ['10.0.0.2', '::1'] });

    const bad = await file(
      'bad-doors.yaml',
      `node: { id: 1, role: centre }
links:
  - { id: rb, type: rockblock, listen: { port: 1 }, mt_endpoint: 'http://rockblock.rock7.com/rockblock/MT' }
  - { id: rb2, type: rockblock, listen: { port: 2 }, mt_endpoint: 'ftp://127.0.0.1/MT' }
  - { id: d1, type: directip, listen: { port: 3 }, mt_gateway: { port: 4 }, allowed_sources: [12.47.179.11], proxy_protocol: true }
  - { id: d2, type: directip, listen: { port: 5 }, mt_gateway: { port: 6 }, allowed_sources: [12.47.179.11], trusted_proxies: [10.0.0.2] }
  - { id: d3, type: directip, listen: { port: 7 }, mt_gateway: { port: 8 }, allowed_sources: [12.47.179.11], proxy_protocol: true, trusted_proxies: [proxy.example] }
`,
    );
    const err = await loadError(bad);
    for (const line of [
      'links[0].mt_endpoint: an https URL: plain http would send the RockBLOCK credentials in clear (http is allowed only to a loopback host',
      'links[1].mt_endpoint: an https URL',
      'links[2].trusted_proxies: required with proxy_protocol',
      'links[3].trusted_proxies: only with proxy_protocol: true',
      'links[4].trusted_proxies[0]: an IP address',
    ])
      expect(err.message).toContain(line);
  });

  it('mtu on a satellite link: honoured up to the 9602/9603 limit, refused above it by key path', async () => {
    const ok = await file(
      'sat-mtu.yaml',
      `node: { id: 1, role: centre }
links:
  - { id: sat, type: iridium-sbd, port: /dev/x, mtu: 340 }
  - { id: rb, type: rockblock, listen: { port: 1 }, mtu: 100 }
  - { id: dip, type: directip, listen: { port: 2 }, mt_gateway: { port: 3 }, allowed_sources: [12.47.179.11], mtu: 72 }
  - { id: sat2, type: iridium-sbd, port: /dev/y }
`,
    );
    const config = await loadConfig(ok, { env: {} });
    expect(config.links.map((l) => l.mtu)).toEqual([340, 100, 72, undefined]);

    const bad = await file(
      'bad-sat-mtu.yaml',
      `node: { id: 1, role: centre }
links:
  - { id: sat, type: iridium-sbd, port: /dev/x, mtu: 341 }
  - { id: rb, type: rockblock, listen: { port: 1 }, mtu: 271 }
  - { id: dip, type: directip, listen: { port: 2 }, mt_gateway: { port: 3 }, allowed_sources: [12.47.179.11], mtu: 1200 }
  - { id: sat2, type: iridium-sbd, port: /dev/y, mtu: 71 }
  - { id: sat3, type: iridium-sbd, port: /dev/z, mtu: 70000 }
`,
    );
    const err = await loadError(bad);
    expect(err.code).toBe('CONFIG_INVALID');
    for (const line of [
      'links[0].mtu: at most 340 for type iridium-sbd: the modem sends MO messages of at most 340 bytes',
      'links[1].mtu: at most 270 for type rockblock: a kit’s 9602/9603 takes MT messages of at most 270 bytes, and Rock7 refuses longer ones; leave mtu out to use 270',
      'links[2].mtu: at most 270 for type directip: a kit’s 9602/9603 takes MT messages of at most 270 bytes; a longer one stays stuck',
      'links[3].mtu: at least 72 for type iridium-sbd: below it the largest frame (16389 bytes) would need more than 255 fragments',
      'links[4].mtu: expected a whole number from 1 to 65535, found 70000',
    ])
      expect(err.message).toContain(line);
    // One problem per mistake: the common range check is not repeated by the satellite one.
    expect(err.message.split('links[4].mtu').length).toBe(2);
  });

  it('a JSON file works the same', async () => {
    const path = await file(
      'node.json',
      JSON.stringify({
        node: { id: 3001, role: 'gateway', area: 430121101 },
        links: [
          {
            id: 'udp0',
            type: 'udp',
            bind: { port: 0 },
            peers: { centre: { host: '127.0.0.1', port: 4710, node: 1 } },
          },
        ],
        routes: [{ dest: 'area:430121', via: 'udp0', next_hop: 'centre' }],
      }),
    );
    const config = await loadConfig(path, { env: {} });
    expect(config.node).toEqual({ id: 3001, role: 'gateway', area: 430121101, drill: false });
    expect(config.links[0]).toMatchObject({ type: 'udp', cost: 'ip', bind: { host: '0.0.0.0', port: 0 } });
    expect(config.routes).toEqual([{ dest: { to: 'area', area: 430121 }, via: 'udp0', nextHop: 'centre' }]);
  });

  it("a route's priorities must be distinct priorities 0 to 3", async () => {
    const yaml = [
      'node: { id: 3001, role: gateway }',
      'links:',
      '  - { id: udp0, type: udp, bind: { port: 0 } }',
      'routes:',
      '  - { dest: centre, via: udp0, priorities: [0, 4] }',
      '  - { dest: centre, via: udp0, priorities: [] }',
      '  - { dest: centre, via: udp0, priorities: [1, 1] }',
      '  - { dest: centre, via: udp0, priorities: [2, 3] }',
    ].join('\n');
    const err = await loadError(await file('priorities.yaml', yaml));
    expect(err.code).toBe('CONFIG_INVALID');
    for (const i of [0, 1, 2]) expect(err.message).toContain(`routes[${i}].priorities`);
    expect(err.message).not.toContain('routes[3]');
  });

  it('an unreadable or unparseable file is CONFIG_UNREADABLE with its cause', async () => {
    const missing = await loadError(join(dir, 'nope.yaml'));
    expect(missing.code).toBe('CONFIG_UNREADABLE');
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    const yaml = await loadError(await file('bad.yaml', 'node: { id: 7\n'));
    expect(yaml.code).toBe('CONFIG_UNREADABLE');
    expect(yaml.cause).toBeDefined();
    const dup = await loadError(
      await file('dup.yaml', 'node: { id: 7, role: kit }\nnode: { id: 8, role: kit }\n'),
    );
    expect(dup.code).toBe('CONFIG_UNREADABLE');
    const json = await loadError(await file('bad.json', '{"node": '));
    expect(json.code).toBe('CONFIG_UNREADABLE');
    expect(json.cause).toBeInstanceOf(SyntaxError);
    expect((await loadError(await file('x.conf', 'node: {}'))).code).toBe('CONFIG_UNREADABLE');
  });
});

describe('field parsers', () => {
  it('valid_until: a date means through its end (UTC); a time needs a zone; impossible dates fail', () => {
    expect(parseValidUntil('2027-12-31')).toBe(Date.UTC(2027, 11, 31, 23, 59, 59) / 1000);
    expect(parseValidUntil('2027-12-31T18:00:00+08:00')).toBe(Date.UTC(2027, 11, 31, 10) / 1000);
    for (const bad of ['2027-02-30', '2027-12-31T18:00:00', '31/12/2027', '2027-12-31T24:00Z']) {
      expect(parseValidUntil(bad)).toBeNaN();
    }
  });

  it('route destinations', () => {
    expect(parseDestination('role:7')).toEqual({ to: 'role', role: 7 });
    expect(parseDestination('node:2107')).toEqual({ to: 'node', node: 2107 });
    expect(parseDestination('area:430121101201')).toEqual({ to: 'area', area: 430121101201 });
    expect(parseDestination('role:70000')).toMatch(/not 0\.\.65535/);
    expect(parseDestination('area:12')).toMatch(/area code/);
    expect(parseDestination('node:')).toMatch(/expected/);
  });
});

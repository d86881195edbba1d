/**
 * Tests for route-next-hop.ts, through loadConfig as the daemon reads its file: a route's
 * next_hop must name a peer its link declares (udp peers, meshtastic neighbours, the satellite
 * doors' IMEIs; none on iridium-sbd), and a mistyped one is reported with the rest, by line,
 * column and path, with the peer it most likely meant. The messages are checked whole: they are
 * what an operator reads.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig } from './load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-next-hop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(text: string, name = 'node.yaml'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The CONFIG_INVALID message of the file, as the daemon prints it. */
async function problems(path: string): Promise<string> {
  const err = await loadConfig(path, { env: {}, cwd: dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(err, 'CONFIG_INVALID')) throw new Error(`expected CONFIG_INVALID, got ${String(err)}`);
  return err.message;
}

const GATEWAY = `node: { id: 3001, role: gateway }
links:
  - id: udp0
    type: udp
    bind: { port: 4710 }
    peers:
      centre: { host: 10.0.0.1, port: 4710, node: 1 }
      relay: { host: 10.0.0.2, port: 4710 }
  - id: mesh0
    type: meshtastic
    host: 127.0.0.1
    neighbours: { '!a1b2c3d4': 2107 }
  - id: sat0
    type: iridium-sbd
    port: /dev/ttyUSB0
`;

describe('a route names a peer its link declares', () => {
  it('each kind of link, spelt as it declares it: the route keeps the mesh address as the core matches it', async () => {
    const config = await loadConfig(
      await write(`${GATEWAY}routes:
  - { dest: centre, via: udp0, next_hop: centre }
  - { dest: 'node:2107', via: mesh0, next_hop: '!a1b2c3d4' }
  - { dest: 'node:2107', via: mesh0, next_hop: '!A1B2C3D4' }
  - { dest: 'node:2107', via: mesh0, next_hop: 2712847316 }
  - { dest: centre, via: sat0 }
  - { dest: all, via: udp0 }
`),
      { env: {} },
    );
    expect(config.routes.map((r) => [r.via, r.nextHop])).toEqual([
      ['udp0', 'centre'],
      ['mesh0', '!a1b2c3d4'],
      ['mesh0', '!a1b2c3d4'],
      ['mesh0', '!a1b2c3d4'],
      ['sat0', undefined],
      ['udp0', undefined],
    ]);
  });

  it('a mistyped peer, neighbour or a next hop on the modem: every one, by line, column and path, with the one meant', async () => {
    const path = await write(`${GATEWAY}routes:
  - { dest: centre, via: udp0, next_hop: cnetre }
  - { dest: centre, via: udp0, next_hop: gateway }
  - { dest: 'node:2107', via: mesh0, next_hop: '!a1b2c3d5' }
  - dest: centre
    via: sat0
    next_hop: centre
`);
    expect(await problems(path)).toBe(
      `${path}: 4 problems:
  - 17:32 routes[0].next_hop: no peer "cnetre" on link udp0 (did you mean centre?): name one of its peers (centre, relay) or add it under links[0].peers
  - 18:32 routes[1].next_hop: no peer "gateway" on link udp0: name one of its peers (centre, relay) or add it under links[0].peers
  - 19:38 routes[2].next_hop: no neighbour "!a1b2c3d5" on link mesh0 (did you mean !a1b2c3d4?): name one of its neighbours (!a1b2c3d4) or add it under links[1].neighbours
  - 22:5 routes[3].next_hop: not used on link sat0, of type iridium-sbd: its modem sends only to the Iridium gateway, and peer_node names the node behind it; leave next_hop out`,
    );
  });

  it('a link that declares no peers says where to add one', async () => {
    const path = await write(`node: { id: 3001, role: gateway }
links:
  - { id: udp0, type: udp, bind: { port: 4710 } }
  - { id: mesh0, type: meshtastic, host: 127.0.0.1 }
routes:
  - { dest: centre, via: udp0, next_hop: centre }
  - { dest: centre, via: mesh0, next_hop: 2712847316 }
`);
    expect(await problems(path)).toBe(
      `${path}: 2 problems:
  - 6:32 routes[0].next_hop: no peer "centre" on link udp0: it declares none; add it under links[0].peers
  - 7:33 routes[1].next_hop: no neighbour "2712847316" on link mesh0: it declares none; add it under links[1].neighbours`,
    );
  });

  it('the centre’s satellite doors: an enrolled IMEI; a long list is cut short', async () => {
    const imeis = Array.from({ length: 8 }, (_, i) => `'30053406000000${i}': ${2100 + i}`).join(', ');
    const path = await write(`node: { id: 1, role: centre }
links:
  - { id: rb, type: rockblock, listen: { port: 8480 }, imeis: { ${imeis} } }
  - { id: dip, type: directip, listen: { port: 1 }, mt_gateway: { port: 2 }, allowed_sources: [12.47.179.11], imeis: { '300534060000001': 2107 } }
routes:
  - { dest: 'node:2101', via: rb, next_hop: 300534060000001 }
  - { dest: 'node:2107', via: dip, next_hop: '300534060000010' }
  - { dest: 'node:2109', via: rb, next_hop: '300534069999999' }
`);
    expect(await problems(path)).toBe(
      `${path}: 2 problems:
  - 7:36 routes[1].next_hop: no IMEI "300534060000010" on link dip (did you mean 300534060000001?): name one of its IMEIs (300534060000001) or add it under links[1].imeis
  - 8:35 routes[2].next_hop: no IMEI "300534069999999" on link rb: name one of its IMEIs (300534060000000, 300534060000001, 300534060000002, 300534060000003, 300534060000004 and 3 more) or add it under links[0].imeis`,
    );
  });

  it('no peer check on a link that is itself wrong, or missing: those problems are enough', async () => {
    const path = await write(`node: { id: 3001, role: gateway }
links:
  - { id: lora0, type: lora }
routes:
  - { dest: centre, via: lora0, next_hop: centre }
  - { dest: centre, via: upd0, next_hop: centre }
`);
    expect(await problems(path)).toBe(
      `${path}: 2 problems:
  - 3:18 links[0].type: expected one of udp, meshtastic, iridium-sbd, rockblock, directip, beidou, found text "lora"
  - 6:21 routes[1].via: no link "upd0" (links: lora0)`,
    );
  });

  it('a mistyped link id is hinted too', async () => {
    const path = await write(`${GATEWAY}routes:
  - { dest: centre, via: upd0 }
`);
    expect(await problems(path)).toBe(
      `${path}: 1 problem:
  - 17:21 routes[0].via: no link "upd0" (did you mean udp0?; links: udp0, mesh0, sat0)`,
    );
  });
});

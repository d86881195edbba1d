/**
 * The demonstration county where socat is not installed, and what it binds (docs/demo-county.md
 * §Safe defaults, §Without socat): the radios are reached over TCP, the gateway reaches the centre
 * over a UDP line, a 初报 still arrives with its receipt back, and every socket the county opens is
 * on loopback. Needs no system tool, so it runs everywhere.
 */
import { afterEach, expect, it } from 'vitest';
import type { Message } from '../wire/message.js';
import { CENTRE, FIRST_KIT, GATEWAY } from './county-plan.js';
import { startDemoCounty } from './run-county.js';
import {
  COUNTY_TEST_TIMEOUT_MS,
  coreOf,
  eventually,
  initialReport,
  nodeOf,
  TEST_COUNTY,
  tempCountyDir,
} from './test/county-test-support.js';
import { isLoopback, openSockets } from './test/open-sockets.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it(
  'without socat: radios over TCP, the gateway on a UDP line, a report arrives, and nothing binds beyond loopback',
  async () => {
    const { dir, remove } = await tempCountyDir();
    cleanups.push(remove);
    const before = new Set((await openSockets())?.map((s) => s.inode));
    // An empty PATH: socat is "not installed".
    const county = await startDemoCounty({ ...TEST_COUNTY, dir, path: '' });
    cleanups.push(() => county.stop());
    expect([county.radios, county.satellite, county.webHost]).toEqual(['tcp', false, '127.0.0.1']);
    expect(county.down).toEqual([]);
    expect(nodeOf(county, GATEWAY).config.links.map((l) => `${l.id} ${l.type}`)).toEqual([
      'mesh0 meshtastic',
      'wan0 udp',
    ]);

    const centre = coreOf(nodeOf(county, CENTRE).app);
    const kit = coreOf(nodeOf(county, FIRST_KIT).app);
    const atCentre: Message[] = [];
    centre.on('delivered', (m) => atCentre.push(m));
    const states = new Map<string, string>();
    kit.on('state', (m) => states.set(m.id, m.state));
    const id = await kit.submit(initialReport(80));
    await eventually('the report at the centre', () => atCentre.some((m) => `${m.origin}/${m.seq}` === id));
    await eventually('the receipt back at the kit', () => states.get(id) === 'received');

    const sockets = await openSockets();
    if (sockets === undefined) return; // no /proc: nothing more to read
    const opened = sockets.filter((s) => !before.has(s.inode));
    // The five radios' TCP servers and their clients, and the two ends of the UDP line at least.
    expect(opened.filter((s) => s.proto.startsWith('tcp')).length).toBeGreaterThanOrEqual(10);
    expect(opened.filter((s) => s.proto.startsWith('udp')).length).toBeGreaterThanOrEqual(2);
    expect(opened.filter((s) => !isLoopback(s.address))).toEqual([]);
  },
  COUNTY_TEST_TIMEOUT_MS,
);

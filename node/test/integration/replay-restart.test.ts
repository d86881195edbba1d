/**
 * The replay window survives a restart: a captured beacon (beacons are never stored, so no dedup
 * tombstone stops them) is refused after the node restarts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger.js';
import { NodeCore } from '../../src/core/node-core.js';
import { RoutingTable } from '../../src/core/routing-table.js';
import { signatureAuthenticator } from '../../src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../../src/crypto/ed25519.js';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { MessageStore } from '../../src/store/message-store.js';
import { encodeMessage } from '../../src/wire/message.js';
import { eventually } from './harness.js';

let dir: string;
afterAll(async () => rm(dir, { recursive: true, force: true }));

it('refuses a captured beacon replayed after a restart', async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-replay-'));
  const neighbour = generateSigningKeyPair();
  const me = generateSigningKeyPair();
  const beacon = encodeMessage(
    {
      kind: 'beacon',
      origin: 3001,
      seq: 7,
      createdAt: Math.floor(Date.now() / 1000),
      clockUntrusted: false,
      priority: 2,
      lifetimeMin: 15,
      dest: { to: 'all' },
      flags: ['noReceipt'],
      body: { reaches: [{ to: 'centre', cost: 1 }], intervalS: 300, addr: 'G' },
    },
    signatureAuthenticator(neighbour.privateKey),
  );
  const run = async () => {
    const store = await MessageStore.open(dir);
    const [link] = createFakeLinkPair({ ids: ['mesh', 'air'] });
    const routes = new RoutingTable();
    const core = new NodeCore({
      nodeId: 2107,
      store,
      links: [{ link, costClass: 'mesh', neighbours: {} }],
      routes,
      keys: {
        macKey: () => undefined,
        relayKey: () => undefined,
        revoked: () => false,
        issuerFloor: () => 0,
        issuerKey: () => undefined,
        nodeKey: (n) => (n === 3001 ? publicKeyFromRaw(neighbour.publicKey) : undefined),
        isCentre: (n) => n === 1,
      },
      identity: me.privateKey,
      clock: { now: () => Date.now(), trusted: () => true },
      retry: { initialMs: 1000, maxMs: 1000, jitter: 0 },
      latencyBoundMs: [1, 1, 1, 1],
      log: silentLogger,
      beaconIntervalMs: 0,
    });
    const rejected: string[] = [];
    core.on('rejected', (r) => rejected.push(r.code));
    await link.start();
    await core.start();
    link.inject(beacon, 'G');
    await eventually('the beacon is handled', () => routes.routes.length > 0 || rejected.length > 0);
    await core.stop();
    await store.close();
    return { learnt: routes.routes.length, rejected };
  };
  expect(await run()).toEqual({ learnt: 1, rejected: [] });
  expect(await run()).toEqual({ learnt: 0, rejected: ['AUTH_REPLAY'] });
});

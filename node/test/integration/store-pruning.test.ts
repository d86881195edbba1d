/**
 * Pruning and the `wait` index over real NodeCores (docs/store-and-forward.md §Pruning, §The
 * store). At the centre, a kit's reports are pruned after the retention; a copy of one whose
 * tombstone is gone too (below the window, its lifetime over) is refused, and a copy of one whose
 * tombstone stays is answered again but never delivered twice. A relay that stored a message with
 * no route sends it when it starts again with one.
 */
import { afterEach, expect, it } from 'vitest';
import { RoutingTable } from '../../src/core/routing-table.js';
import { macAuthenticator } from '../../src/crypto/authenticate.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import { createFakeLinkPair, createFakeMedium } from '../../src/link/fake-link.js';
import { unpackBatch } from '../../src/wire/batch.js';
import { decodeFrame, encodeMessage, type Message } from '../../src/wire/message.js';
import { CENTRE, eventually, SECRET, TestNetwork } from './harness.js';
import { envelope, genuinelyTagged, peel } from './security-support.js';

const KIT = 2101;
const HOUR = 3_600_000;
let net: TestNetwork;
afterEach(async () => {
  await net.stop();
});

/** Kit KIT's report `seq`, stamped by a clock it does not trust: no node can say it expired. */
function untimedReport(seq: number): Uint8Array {
  return encodeMessage(
    {
      kind: 'report',
      ...envelope(KIT, seq, { clockUntrusted: true }),
      body: { stage: 'initial', hazard: 0x12, indicators: { affected: seq } },
    } as Message,
    macAuthenticator(deriveNodeMacKey(SECRET, KIT)),
  );
}

it('prunes delivered reports after the retention and still takes no copy of one in twice', async () => {
  net = new TestNetwork();
  const [air, link] = createFakeLinkPair({ ids: ['air', 'ip@C'], from: ['K', 'C'], sendWindow: 2000 });
  const centre = await net.add({
    id: CENTRE,
    links: [{ link, costClass: 'ip', neighbours: { K: KIT } }],
    routes: [{ target: { to: 'node', node: KIT }, link: 'ip@C', nextHop: 'K', cost: 0, source: 'config' }],
    core: { retentionMs: HOUR },
  });
  const receipted: string[] = [];
  air.on('frame', (f) => {
    // The centre's receipts to a kit come in their hop-tag container, alone or several to a frame.
    for (const entry of unpackBatch(f.bytes)) {
      const m = decodeFrame(peel(entry)).message;
      if (m?.kind === 'receipt')
        for (const r of m.body.ranges)
          for (let s = r.from; s <= r.to; s++) receipted.push(`${r.origin}/${s}`);
    }
  });
  await air.start();
  await link.start();
  await net.start();
  // 1,030 reports: the first few fall below the kit's replay window (1,024).
  const N = 1030;
  for (let seq = 1; seq <= N; seq += 10)
    await Promise.all(
      Array.from({ length: Math.min(10, N + 1 - seq) }, (_, i) =>
        air.send(untimedReport(seq + i), { to: 'C' }),
      ),
    );
  await eventually('all delivered', () => centre.delivered.length === N, 60_000);
  // Its receipts out too, before the clock moves on (they would expire unsent).
  await eventually('all receipted', () => new Set(receipted).size === N, 60_000);
  expect(await centre.store.getMeta(`${KIT}/1`)).toBeDefined();

  // Two hours on: past the reports' hour of lifetime here and the hour of retention.
  net.clockOffsetMs = 2 * HOUR + 60_000;
  await eventually(
    'the reports pruned',
    async () => (await centre.store.getMeta(`${KIT}/${N}`)) === undefined,
  );
  // Below the window and past its lifetime here: its tombstone goes too, and the id is forgotten.
  await eventually('the first tombstones pruned', async () => !(await centre.store.hasSeen(`${KIT}/1`)));
  expect(await centre.store.getFrame(`${KIT}/1`)).toBeUndefined();
  expect(await centre.store.hasSeen(`${KIT}/6`)).toBe(true); // the window's edge: 1030 − 1024
  expect(centre.store.forgotten(`${KIT}/1`)).toBe(true);
  expect(await centre.store.hasSeen(`${KIT}/${N}`)).toBe(true); // in the window: its tombstone stays

  const before = receipted.length;
  await air.send(untimedReport(1), { to: 'C' });
  await air.send(untimedReport(N), { to: 'C' });
  await eventually('the copy of a remembered id answered again', () =>
    receipted.slice(before).includes(`${KIT}/${N}`),
  );
  await eventually('the copy of a forgotten id refused', () =>
    centre.rejected.some((r) => r.includes(`${KIT}/1 is older than what this node remembers`)),
  );
  expect(receipted.slice(before)).not.toContain(`${KIT}/1`);
  expect(centre.delivered.length).toBe(N);
});

it('sends a message stored with no route once the relay starts again with one', async () => {
  net = new TestNetwork();
  const mesh = createFakeMedium({ seed: 3 });
  const kitEnd = mesh.attach({ id: 'k', from: 'K' });
  const meshG = mesh.attach({ id: 'mesh@G', from: 'G' });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'] });
  const centre = await net.addCentreBehind(ipC, 3001);
  await net.add({
    id: 3001,
    links: [
      { link: meshG, costClass: 'mesh', neighbours: { K: KIT } },
      { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
    ],
    routes: [], // nothing known yet
  });
  for (const l of [kitEnd, meshG, ipG, ipC]) await l.start();
  await net.start();
  const frame = genuinelyTagged(KIT, untimedReport(1));
  await kitEnd.send(frame, { to: 'G' });
  await eventually('stored at the gateway', () => net.node(3001).store.hasSeen(`${KIT}/1`));
  expect(await net.node(3001).store.waitingIds(undefined, 10)).toEqual([`${KIT}/1`]);
  // Started again with a configured route to the centre (and no beacon to bring one).
  net.node(3001).routes = new RoutingTable([
    { target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' },
  ]);
  await net.restart(3001);
  await eventually('delivered at the centre', () => centre.delivered.length === 1, 10_000);
});

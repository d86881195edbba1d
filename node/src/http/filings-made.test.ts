/**
 * FilingsMade (filings-made.ts; docs/api.md §Idempotency): the mark and the messages made after it,
 * on a real core over a real LevelDB store (node/test/integration/harness.ts).
 */
import { afterEach, expect, it } from 'vitest';
import { TestNetwork, type TestNode } from '../../test/integration/harness.js';
import type { Draft } from '../core/core-types.js';
import { KINDS } from '../wire/kinds.js';
import { FilingsMade } from './filings-made.js';

const KIT = 2107;
let net: TestNetwork;
let kit: TestNode;

const report = (note: string): Draft => ({
  kind: 'report',
  body: { stage: 'initial', hazard: 18, indicators: { affected: 12 }, note },
  dest: { to: 'centre' },
  priority: 1,
  lifetimeMin: 24 * 60,
});

afterEach(async () => net?.stop());

async function start(): Promise<void> {
  net = new TestNetwork();
  kit = await net.add({ id: KIT, area: 430121101201, links: [], routes: [] });
  await net.start();
}

it('finds only what this node made of the kind after the mark, oldest first', async () => {
  await start();
  const made = new FilingsMade(kit.store, KIT);
  await kit.core.submit(report('before'));
  const mark = await made.mark();
  const b = await kit.core.submit(report('after 1'));
  const c = await kit.core.submit(report('after 2'));
  const found: string[] = [];
  for await (const id of made.since(mark, KINDS.report.code)) found.push(id);
  expect(found).toEqual([b, c]);
  const hazards: string[] = [];
  for await (const id of made.since(mark, KINDS.hazard.code)) hazards.push(id);
  expect(hazards).toEqual([]);
  // Another node's numbering is not this node's: nothing of its own made after the mark.
  const other: string[] = [];
  for await (const id of new FilingsMade(kit.store, KIT + 1).since(mark, KINDS.report.code)) other.push(id);
  expect(other).toEqual([]);
});

it('shares one read among marks asked for together, and reads again afterwards', async () => {
  await start();
  let reads = 0;
  const store = {
    getKv: <T>(key: string) => {
      reads++;
      return kit.store.getKv<T>(key);
    },
    getMeta: (id: string) => kit.store.getMeta(id),
  };
  const made = new FilingsMade(store, KIT);
  const [m1, m2] = await Promise.all([made.mark(), made.mark()]);
  expect(reads).toBe(1);
  expect(m1).toEqual(m2);
  await kit.core.submit(report('between'));
  const m3 = (await made.mark()) as { seq: number };
  expect(reads).toBe(2);
  expect(m3.seq).toBe((m1 as { seq: number }).seq + 1);
});

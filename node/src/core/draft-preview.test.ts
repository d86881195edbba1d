/**
 * NodeCore.preview() (own-messages.ts, link-cost.ts; docs/api.md §Before sending: the preview):
 * what a message would put on air, checked against what the same message really puts on air once
 * submitted. Real cores on real LevelDB stores (node/test/integration/harness.ts), fake links that
 * declare a mesh (no bill), a satellite (RockBLOCK's bill: 50 bytes a credit, one at least) and IP.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CENTRE, eventually, TestNetwork, type TestNode } from '../../test/integration/harness.js';
import { createFakeLinkPair, type FakeLink } from '../link/fake-link.js';
import { HOP_TAGGED_OVERHEAD } from '../wire/hop-tagged.js';
import { varintLength } from '../wire/varint.js';
import type { Draft } from './core-types.js';
import { placeholderSeq } from './own-messages.js';
import type { CostClass, Route } from './routing-table.js';

const KIT = 2107;
let net: TestNetwork;
let kit: TestNode;

const report = (note = '山洪，三组河边'): Draft => ({
  kind: 'report',
  body: { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 }, note },
  dest: { to: 'centre' },
  priority: 1,
  lifetimeMin: 24 * 60,
});

/** A kit whose links lead to the centre by these classes (no core at their far ends). */
async function kitWith(classes: CostClass[], mtu?: number): Promise<FakeLink[]> {
  net = new TestNetwork();
  const links = classes.map((c) => {
    const [ours, far] = createFakeLinkPair({
      ids: [`${c}0`, `${c}@far`],
      from: ['K', 'C'],
      ...(mtu === undefined ? {} : { mtu }),
    });
    return { ours, far, costClass: c };
  });
  const routes: Route[] = links.map(({ ours }) => ({
    target: { to: 'centre' },
    link: ours.id,
    nextHop: 'C',
    cost: 0,
    source: 'config',
  }));
  kit = await net.add({
    id: KIT,
    area: 430121101201,
    links: links.map(({ ours, costClass }) => ({ link: ours, costClass, neighbours: { C: CENTRE } })),
    routes,
  });
  for (const { ours, far } of links) {
    await ours.start();
    await far.start();
  }
  await net.start();
  return links.map((l) => l.ours);
}

afterEach(async () => {
  await net?.stop();
});

describe('a preview', () => {
  it('is the size of the message the same draft then makes, and numbers and stores nothing', async () => {
    await kitWith(['mesh']);
    const seqBefore = await kit.store.getKv<number>('seq');
    const preview = kit.core.preview(report());
    kit.core.preview(report());
    expect(await kit.store.getKv<number>('seq')).toBe(seqBefore);
    const stored: string[] = [];
    for await (const meta of kit.store.metas()) stored.push(meta.id);
    expect(stored).toEqual([]);

    const id = await kit.core.submit(report());
    // The preview took no number: the real message has the one that was next before it.
    expect(id).toBe(`${KIT}/${(seqBefore ?? 0) + 1}`);
    const frame = await kit.store.getFrame(id);
    expect(preview.bytes).toBe(frame?.length);
  });

  it('lists the mesh due now, free, with the hop tag; the satellite due later, billed by its credits', async () => {
    await kitWith(['mesh', 'satellite']);
    const preview = kit.core.preview(report());
    expect(preview.links.map((l) => [l.link, l.costClass, l.dueNow, l.billed, l.up])).toEqual([
      ['mesh0', 'mesh', true, false, true],
      ['satellite0', 'satellite', false, true, true],
    ]);
    const [mesh, sat] = preview.links;
    // A link that costs nothing carries the kit's hop tag around the frame; a billed one does not.
    expect(mesh).toMatchObject({ bytes: preview.bytes + HOP_TAGGED_OVERHEAD, frames: 1, units: 0 });
    expect(sat).toMatchObject({ bytes: preview.bytes, frames: 1, units: Math.ceil(preview.bytes / 50) });
    // The satellite waits for the P1 latency bound (4 s in the harness) from the message's creation.
    expect(sat?.dueAt).toBeGreaterThan(Date.now() + 3000);
  });

  it('says a link that is down is down, and lists no link where no route leads', async () => {
    const [mesh] = await kitWith(['mesh']);
    await mesh?.stop();
    expect(kit.core.preview(report()).links.map((l) => [l.link, l.up])).toEqual([['mesh0', false]]);
    const elsewhere = kit.core.preview({ ...report(), dest: { to: 'node', node: 9999 } });
    expect(elsewhere.links).toEqual([]);
    expect(elsewhere.bytes).toBeGreaterThan(0);
  });

  it.each([
    ['satellite', undefined],
    ['ip', undefined],
    ['satellite', 72],
    ['mesh', 72],
  ] as const)(
    'costs on a %s link (mtu %s) what the dispatcher then records for it',
    async (costClass, mtu) => {
      await kitWith([costClass], mtu);
      // A long note: over 72 bytes, so the small mtu cuts it into fragments.
      const draft = report('山洪，三组河边，二十户转移到村小学，道路中断，请求派冲锋舟和帐篷');
      const [predicted] = kit.core.preview(draft).links;
      if (mtu !== undefined) expect(predicted?.frames).toBeGreaterThan(1);
      const id = await kit.core.submit(draft);
      await eventually('the link took it', async () => ((await kit.store.getMeta(id))?.txBytes ?? 0) > 0);
      const meta = await kit.store.getMeta(id);
      expect(meta?.txBytes).toBe(predicted?.bytes);
      expect(meta?.credits).toBe(predicted?.units);
      expect(predicted?.billed).toBe(costClass === 'satellite');
    },
  );
});

describe('the placeholder sequence number', () => {
  it('has the varint width of the next number and is never the next number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (next) => {
        const p = placeholderSeq(next);
        expect(varintLength(p)).toBe(varintLength(next));
        expect(p).not.toBe(next);
      }),
    );
    for (const next of [1, 127, 128, 16_383, 16_384])
      expect(varintLength(placeholderSeq(next))).toBe(varintLength(next));
  });

  it('keeps the preview at the real size across a width: 127 → 128', async () => {
    await kitWith(['mesh']);
    // Numbers up to 126 used: the next is 127 (one varint byte), then 128 (two).
    await kit.core.raiseSequenceFloor(127);
    const at127 = kit.core.preview(report());
    const id127 = await kit.core.submit(report());
    expect(id127).toBe(`${KIT}/127`);
    const at128 = kit.core.preview(report());
    const id128 = await kit.core.submit(report());
    expect(id128).toBe(`${KIT}/128`);
    expect(at127.bytes).toBe((await kit.store.getFrame(id127))?.length);
    expect(at128.bytes).toBe((await kit.store.getFrame(id128))?.length);
    expect(at128.bytes).toBe(at127.bytes + 1);
  });
});

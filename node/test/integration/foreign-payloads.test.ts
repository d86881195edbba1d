/**
 * Payloads that are not fieldnode frames, at a real NodeCore (node/src/core/foreign-payloads.ts;
 * node/src/wire/classify.ts; docs/links.md §The link contract): links hand on every payload with
 * what they know of its source, and the core classifies each once, as it takes it apart. What is
 * not a fieldnode frame is kept (the `foreign` event, the bounded list), never stored as a message,
 * delivered or counted as a rejected frame; a fieldnode frame that fails authentication is still
 * rejected. Over the RockBLOCK centre link too: a text pushed from a kit's modem reaches the core
 * as a frame, with the IMEI and the push's fields, and is kept there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkKitLink } from '../../../satellite/sim/iridium/network-kit-link.js';
import { SimulatedIridiumNetwork } from '../../../satellite/sim/iridium/simulated-network.js';
import { rockblockCentre } from '../../../satellite/test/support/rockblock-centre.js';
import type { ForeignPayload } from '../../src/core/node-core.js';
import { macAuthenticator } from '../../src/crypto/authenticate.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import { createFakeLinkPair, type FakeLink } from '../../src/link/fake-link.js';
import type { Link } from '../../src/link/link.js';
import { packBatches } from '../../src/wire/batch.js';
import { encodeMessage } from '../../src/wire/message.js';
import { CENTRE, eventually, report, SECRET, TestNetwork, type TestNode } from './harness.js';

const KIT = 2107;
const IMEI = '300434060000010';
const text = (s: string) => new TextEncoder().encode(s);
const now = () => Math.floor(Date.now() / 1000);

/** A report from the kit, tagged with `key` (the kit's own unless a forger's is given). */
function kitReport(seq: number, key = deriveNodeMacKey(SECRET, KIT)): Uint8Array {
  return encodeMessage(
    { ...report(seq), origin: KIT, seq, createdAt: now(), clockUntrusted: false, flags: [] } as never,
    macAuthenticator(key),
  );
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The centre behind one link that hears the kit at `address`; what it keeps as foreign. */
async function centreOn(link: Link, address: string, costClass: 'ip' | 'satellite' = 'ip') {
  const net = new TestNetwork();
  cleanups.push(() => net.stop());
  const centre = await net.add({
    id: CENTRE,
    links: [{ link, costClass, neighbours: { [address]: KIT } }],
    routes: [],
  });
  const foreign: ForeignPayload[] = [];
  centre.core.on('foreign', (f) => foreign.push(f));
  await link.start();
  await net.start();
  return { centre, foreign };
}

/** Hands `bytes` to the core as `link` would, with source metadata. */
function hear(link: FakeLink, bytes: Uint8Array, source?: Record<string, unknown>): void {
  link.emit('frame', {
    link: link.id,
    bytes,
    receivedAt: Date.now(),
    meta: { from: 'K', ...(source ? { source } : {}) },
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

async function storedIds(node: TestNode): Promise<string[]> {
  const ids: string[] = [];
  for await (const meta of node.store.metas()) ids.push(`${meta.origin}/${meta.seq}`);
  return ids;
}

describe('the core keeps what is not a fieldnode frame', () => {
  it('keeps a text with its link, sender and source, and neither stores nor rejects it', async () => {
    const [a] = createFakeLinkPair({ ids: ['a', 'b'], from: ['C', 'K'] });
    const { centre, foreign } = await centreOn(a, 'K');
    hear(a, text('There are 10 types of people who understand binary'), { carrier: 'test', momsn: 40 });
    hear(a, new Uint8Array());
    hear(a, Uint8Array.of(0x80, 1, 2, 3));
    await settle();
    // Each payload is taken apart on its own: the events need not come in the order heard.
    expect(foreign).toHaveLength(3);
    expect(foreign).toEqual(
      expect.arrayContaining([
        {
          link: 'a',
          from: 'K',
          source: { carrier: 'test', momsn: 40 },
          bytes: text('There are 10 types of people who understand binary'),
          reason: 'malformed',
          detail: expect.any(String),
          receivedAt: expect.any(Number),
        },
        expect.objectContaining({ reason: 'empty', bytes: new Uint8Array() }),
        expect.objectContaining({ reason: 'unsupported-version' }),
      ]),
    );
    expect(centre.core.foreignPayloads()).toMatchObject({ total: 3, recent: foreign });
    expect(centre.rejected).toEqual([]);
    expect(centre.delivered).toEqual([]);
    expect(await storedIds(centre)).toEqual([]);
  });

  it('takes in the fieldnode entries of a batch and keeps the batch whole if one entry is not', async () => {
    const [a] = createFakeLinkPair({ ids: ['a', 'b'], from: ['C', 'K'] });
    const { centre, foreign } = await centreOn(a, 'K');
    const { containers } = packBatches(
      [
        { frame: kitReport(1), priority: 1 },
        { frame: text('hello'), priority: 1 },
      ],
      340,
    );
    expect(containers).toHaveLength(1);
    const batch = containers[0] as Uint8Array;
    hear(a, batch);
    await eventually('the report is delivered', () => centre.delivered.length === 1);
    await settle();
    expect(foreign).toEqual([
      expect.objectContaining({
        bytes: batch,
        reason: 'malformed',
        detail: expect.stringMatching(/^batch entry 1: /),
      }),
    ]);
    expect(centre.rejected).toEqual([]);
  });

  it('still rejects a fieldnode frame that fails authentication, and keeps nothing', async () => {
    const [a] = createFakeLinkPair({ ids: ['a', 'b'], from: ['C', 'K'] });
    const { centre, foreign } = await centreOn(a, 'K');
    hear(a, kitReport(1, new Uint8Array(32)));
    await eventually('the forgery is rejected', () => centre.rejected.length === 1);
    expect(centre.rejected[0]).toMatch(/^AUTH_TAG_INVALID/);
    expect(foreign).toEqual([]);
    expect(centre.core.foreignPayloads().total).toBe(0);
  });
});

describe('over the RockBLOCK centre link', () => {
  it('hands a pushed text on to the core, which keeps it with the IMEI and the push’s fields', async () => {
    const network = new SimulatedIridiumNetwork();
    const { cloud, receiver, link } = await rockblockCentre({
      network,
      imeis: [IMEI],
      pushRetryDelaysMs: [50],
    });
    const kit = new NetworkKitLink({ id: 'kit-sbd', imei: IMEI, network, momsn: 40 });
    cleanups.push(async () => {
      await Promise.all([link.stop(), kit.stop()]);
      await cloud.close();
      network.close();
    });
    await kit.start();
    const { centre, foreign } = await centreOn(link, IMEI, 'satellite');

    expect(await kit.send(text('hello from the portal'))).toMatchObject({ ok: true, ref: '40' });
    expect(await kit.send(kitReport(1))).toMatchObject({ ok: true, ref: '41' });
    await eventually('the report is delivered', () => centre.delivered.length === 1);
    await eventually('the text is kept', () => foreign.length === 1);

    expect(foreign[0]).toMatchObject({
      link: 'rockblock0',
      from: IMEI,
      bytes: text('hello from the portal'),
      reason: 'malformed',
      source: { carrier: 'rockblock', momsn: 40, sessionTime: expect.any(Number) },
    });
    // Not the receiver's business any more: it handed both on, and quarantined nothing.
    expect(receiver.counters()).toMatchObject({ accepted: 2, quarantined: 0 });
    expect(link.counters().rxFrames).toBe(2);
    expect(centre.rejected).toEqual([]);
  });
});

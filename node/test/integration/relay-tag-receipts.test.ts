/**
 * Relay-tagged receipts on the mesh (docs/wire-format.md §6.5; docs/store-and-forward.md
 * §Confirmations, "Keys"): a gateway answers its kits with custody and vouched receipts that carry
 * one 8-byte tag under the kit's relay key instead of its 64-byte signature; the kit ends its copy
 * on them, and refuses a wrong tag, a tag for another kit and a frame altered by one byte, without
 * dropping anything. Real cores and LevelDB stores over a fake mesh and an IP pair; the frames a
 * kit hears are read off its own link.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VOUCHED_DETAIL } from '../../src/core/apply-receipt.js';
import { relayTagsAuthenticator, signatureAuthenticator } from '../../src/crypto/authenticate.js';
import { generateSigningKeyPair } from '../../src/crypto/ed25519.js';
import { deriveRelayKey } from '../../src/crypto/kit-keys.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import { createFakeLinkPair, createFakeMedium, type FakeLink } from '../../src/link/fake-link.js';
import { AUTH_TRAILER_BYTES } from '../../src/wire/envelope.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../src/wire/message.js';
import { relayTagsTrailerBytes } from '../../src/wire/relay-tags.js';
import { eventually, metaOf, report, SECRET, TestNetwork } from './harness.js';

const GATEWAY = 3001;
const KIT = 2107;
const OTHER_KIT = 2108;

let net: TestNetwork;

afterEach(async () => {
  await net?.stop();
});

const relayKey = (node: number) => deriveRelayKey(deriveNodeMacKey(SECRET, node), node);

/**
 * A gateway (every kit's relay key), the centre behind it on IP, and kit 2107 on the mesh; the
 * gateway told that `untagged` kits are too old for tags (keys.untagged_kits).
 */
async function network(untagged: readonly number[] = []) {
  net = new TestNetwork();
  const mesh = createFakeMedium({ seed: 7, loss: 0 });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'], seed: 8 });
  const meshG = mesh.attach({ id: 'mesh@G', from: 'G' });
  await net.addCentreBehind(ipC, GATEWAY);
  await net.add({
    id: GATEWAY,
    links: [
      { link: meshG, costClass: 'mesh', neighbours: { K: KIT } },
      { link: ipG, costClass: 'ip', neighbours: { C: 1 } },
    ],
    routes: [{ target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' }],
    ...(untagged.length === 0 ? {} : { core: { untaggedKits: new Set(untagged) } }),
  });
  const meshK = mesh.attach({ id: 'mesh@K', from: 'K' });
  await net.add({
    id: KIT,
    links: [{ link: meshK, costClass: 'mesh', neighbours: { G: GATEWAY } }],
    routes: [{ target: { to: 'centre' }, link: 'mesh@K', nextHop: 'G', cost: 0, source: 'config' }],
  });
  const heard = tap(meshK);
  for (const l of [ipG, ipC, meshG, meshK]) await l.start();
  await net.start();
  return { ipG, ipC, meshK, heard };
}

/** The frames `link` hears, as the medium hands them to it. */
function tap(link: FakeLink): Uint8Array[] {
  const heard: Uint8Array[] = [];
  const inject = link.inject.bind(link);
  link.inject = (bytes, from) => {
    heard.push(bytes.slice());
    inject(bytes, from);
  };
  return heard;
}

/** The receipts among `frames`, decoded. */
function receipts(frames: Uint8Array[]) {
  return frames.flatMap((f) => {
    try {
      const d = decodeFrame(f);
      return d.message?.kind === 'receipt' ? [{ frame: f, d, message: d.message }] : [];
    } catch {
      return [];
    }
  });
}

const state = async (node: number, id: string) => (await metaOf(net.node(node), id))?.state;

describe('relay-tagged receipts from a gateway to its kit', () => {
  it('the kit ends its copy on the gateway’s tagged custody signal, 53 bytes shorter than signed', async () => {
    const { ipG, ipC, heard } = await network();
    // The centre is out of reach: the gateway can only take custody.
    ipG.setUp(false);
    ipC.setUp(false);
    const id = await net.node(KIT).core.submit(report(1));
    await eventually('custody at the kit', async () => (await state(KIT, id)) === 'custody');
    expect((await metaOf(net.node(KIT), id))?.custodyBy).toBe(GATEWAY);
    const custody = receipts(heard).filter((r) => r.message.body.scope === 'custody');
    expect(custody.length).toBeGreaterThan(0);
    const { frame, d, message } = custody[0]!;
    expect(d.envelope.auth).toBe('relay-tags');
    expect(d.relayTags?.map((t) => t.kit)).toEqual([KIT]);
    // The same receipt signed by the gateway's identity, as before: the tags save what §6.5 says.
    const signed = encodeMessage(message, signatureAuthenticator(generateSigningKeyPair().privateKey));
    expect(signed.length - frame.length).toBe(AUTH_TRAILER_BYTES.signature - relayTagsTrailerBytes([KIT]));
    expect(signed.length - frame.length).toBe(53);
  });

  it('the kit ends its copy as received on the gateway’s tagged vouched receipt', async () => {
    const { heard } = await network();
    const id = await net.node(KIT).core.submit(report(2));
    await eventually('received at the kit', async () => (await state(KIT, id)) === 'received');
    const meta = await metaOf(net.node(KIT), id);
    expect(meta?.events.some((e) => e.state === 'received' && e.detail === VOUCHED_DETAIL)).toBe(true);
    const vouching = receipts(heard).filter(
      (r) => r.message.body.scope === 'vouched' || (r.message.body.vouched?.length ?? 0) > 0,
    );
    expect(vouching.length).toBeGreaterThan(0);
    for (const r of vouching) expect(r.d.envelope.auth).toBe('relay-tags');
    expect(net.node(KIT).rejected).toEqual([]);
  });

  it('a kit too old for tags gets the gateway’s signed receipts, and ends its copy on them', async () => {
    const { ipG, ipC, heard } = await network([KIT]);
    ipG.setUp(false);
    ipC.setUp(false);
    const id = await net.node(KIT).core.submit(report(6));
    await eventually('custody at the kit', async () => (await state(KIT, id)) === 'custody');
    const custody = receipts(heard).filter((r) => r.message.body.scope === 'custody');
    expect(custody.length).toBeGreaterThan(0);
    for (const r of custody) {
      expect(r.d.envelope.auth).toBe('signature');
      expect(r.d.relayTags).toBeUndefined();
    }
    expect(net.node(KIT).rejected).toEqual([]);
  });

  it('refuses a wrong tag, a tag for another kit and a flipped byte, and drops nothing', async () => {
    const { meshK } = await network();
    // The kit's frames do not reach the gateway: its report stays open, sent toward the gateway.
    meshK.setFaults({ loss: 1 });
    const id = await net.node(KIT).core.submit(report(3));
    await eventually('sent toward the gateway', async () => (await state(KIT, id)) === 'sent');
    const [origin, seq] = id.split('/').map(Number) as [number, number];
    let gatewaySeq = 50_000;
    const custody = (): MessageOf<'receipt'> => ({
      kind: 'receipt',
      origin: GATEWAY,
      seq: gatewaySeq++,
      createdAt: Math.floor(Date.now() / 1000),
      clockUntrusted: false,
      priority: 1,
      lifetimeMin: 60,
      dest: { to: 'node', node: KIT },
      flags: ['noReceipt'],
      body: { ranges: [{ origin, from: seq, to: seq }], scope: 'custody' },
    });
    const tagged = (keys: Array<[number, Uint8Array]>) =>
      encodeMessage(custody(), relayTagsAuthenticator(new Map(keys)));
    // Kit 2107's tag made under another kit's key; a tag only for kit 2108; one byte changed.
    const wrongKey = tagged([[KIT, relayKey(OTHER_KIT)]]);
    const otherKit = tagged([[OTHER_KIT, relayKey(OTHER_KIT)]]);
    const flipped = tagged([[KIT, relayKey(KIT)]]);
    flipped[9] = (flipped[9] as number) ^ 0x01; // a byte of the time: covered by the tag
    // A frame to everyone that answers only kit 2108: overheard here, not refused, not applied.
    const overheard = encodeMessage(
      { ...custody(), dest: { to: 'all' } },
      relayTagsAuthenticator(new Map([[OTHER_KIT, relayKey(OTHER_KIT)]])),
    );
    const kit = net.node(KIT);
    for (const frame of [overheard, wrongKey, otherKit, flipped]) meshK.inject(frame, 'G');
    await eventually('three refusals', () => kit.rejected.length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(kit.rejected).toHaveLength(3);
    expect(kit.rejected.map((r) => r.split(':')[0]).sort()).toEqual([
      'AUTH_TAG_INVALID',
      'AUTH_TAG_INVALID',
      'AUTH_UNKNOWN_KEY',
    ]);
    const held = await metaOf(kit, id);
    expect(held?.state).toBe('sent');
    expect(held?.done).toBe(false);
    expect(held?.custodyBy).toBeUndefined();
    expect(Object.keys(held?.out ?? {})).toEqual(['mesh@K']);
    // The genuine tag is taken: the refusals were the tags, not the setup.
    meshK.inject(tagged([[KIT, relayKey(KIT)]]), 'G');
    await eventually('custody from the genuine tag', async () => (await state(KIT, id)) === 'custody');
  });
  it('takes a tagged receipt with entries appended or stripped for the same message, not a restarted sequence', async () => {
    const { meshK } = await network();
    meshK.setFaults({ loss: 1 });
    const kit = net.node(KIT);
    const first = await kit.core.submit(report(4));
    const second = await kit.core.submit(report(5));
    await eventually(
      'both sent toward the gateway',
      async () => (await state(KIT, first)) === 'sent' && (await state(KIT, second)) === 'sent',
    );
    const ids = (id: string) => id.split('/').map(Number) as [number, number];
    const custodyOf = (id: string, seq: number): MessageOf<'receipt'> => ({
      kind: 'receipt',
      origin: GATEWAY,
      seq,
      createdAt: Math.floor(Date.now() / 1000),
      clockUntrusted: false,
      priority: 1,
      lifetimeMin: 60,
      dest: { to: 'node', node: KIT },
      flags: ['noReceipt'],
      body: { ranges: [{ origin: ids(id)[0], from: ids(id)[1], to: ids(id)[1] }], scope: 'custody' },
    });
    const receipt = custodyOf(first, 60_000);
    const tagged = (kits: number[]) =>
      encodeMessage(receipt, relayTagsAuthenticator(new Map(kits.map((k) => [k, relayKey(k)]))));
    // As the gateway sent it: tags for the kit and its neighbour.
    meshK.inject(tagged([KIT, OTHER_KIT]), 'G');
    await eventually('custody from the genuine receipt', async () => (await state(KIT, first)) === 'custody');
    // Altered on air: the later entry stripped, or a junk entry for a higher kit id appended. The
    // kit's own tag covers only what comes before it, so each still checks.
    const stripped = tagged([KIT]);
    const appended = tagged([KIT, OTHER_KIT, 9999]);
    expect(decodeFrame(stripped).relayTags?.map((t) => t.kit)).toEqual([KIT]);
    expect(decodeFrame(appended).relayTags?.map((t) => t.kit)).toEqual([KIT, OTHER_KIT, 9999]);
    meshK.inject(stripped, 'G');
    meshK.inject(appended, 'G');
    // Then the gateway's next receipt: taken in after them under the store's lock.
    meshK.inject(
      encodeMessage(custodyOf(second, 60_001), relayTagsAuthenticator(new Map([[KIT, relayKey(KIT)]]))),
      'G',
    );
    await eventually('custody of the next report', async () => (await state(KIT, second)) === 'custody');
    await kit.store.exclusive(async () => {});
    expect(kit.flagged.filter((f) => f.code === 'SEQUENCE_RESTARTED')).toEqual([]);
    expect(kit.rejected.filter((r) => r.startsWith('AUTH_REPLAY'))).toEqual([]);
    expect((await metaOf(kit, first))?.state).toBe('custody');
  });
});

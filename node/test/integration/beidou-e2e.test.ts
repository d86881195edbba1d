/**
 * End to end over BeiDou short message (docs/beidou.md): a kit — a real NodeCore with its LevelDB
 * store in a temp dir — sends reports and texts through its BeiDou link, the driver on a real pty
 * (socat, serialport at 115200), the module simulator and the simulated BeiDou network, to the
 * county centre's own module and link, another real NodeCore. The centre's receipts come back
 * to the kit's card, and a warning to the kit's area goes once to the centre card's broadcast
 * (通播) address.
 *
 * What must hold, for each module protocol: every report and text delivered to the centre exactly
 * once and confirmed back to the kit, the warning delivered to the kit once, and neither module
 * ever refusing a send for its card's interval: the links' own schedulers and the core's packing
 * keep to it. On BeiDou-2 the card (level 4, 105 bytes a message) is smaller than the warning,
 * which goes in fragments.
 *
 * Never card by card: the centre's link knows two kits' cards (the second has no module: the
 * network loses what goes to it), and its card has a broadcast address it may send to. The link's
 * rule (docs/beidou.md §Addressing and the broadcast) is that a frame without `to` goes once to the
 * broadcast address, and card by card only when the card has none or may not use it. So the warning,
 * taken apart from every message the centre's card sent (fragments reassembled, batches unpacked),
 * went exactly once, to the broadcast address, and to no card: a fan-out would show it twice, once
 * for each card.
 *
 * The cards send every 2 s (the kit) and 1 s (the centre, a command card): real time throughout,
 * so the core's clock and the links' agree.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { BeidouTransmission } from '../../../satellite/sim/beidou/beidou-network-sim.js';
import { ptyWorld } from '../../../satellite/sim/beidou/pty-world.js';
import type { BeidouProtocol } from '../../../satellite/src/beidou/beidou-types.js';
import { silentLogger } from '../../src/base/logger.js';
import { type Draft, NodeCore } from '../../src/core/node-core.js';
import { type Route, RoutingTable } from '../../src/core/routing-table.js';
import { type KeyRing, signatureAuthenticator } from '../../src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../../src/crypto/ed25519.js';
import { deriveRelayKey } from '../../src/crypto/kit-keys.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import type { Link } from '../../src/link/link.js';
import { needsSystemTool } from '../../src/link/needs-system-tool.js';
import { SOCAT } from '../../src/link/system-tool.js';
import { MessageStore } from '../../src/store/message-store.js';
import { unpackBatch } from '../../src/wire/batch.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_KEY,
  FIXTURE_ISSUER_PUBLIC,
} from '../../src/wire/fixtures/fixture-keys.js';
import { R2 } from '../../src/wire/fixtures/reference-messages.js';
import { FRAGMENT_TYPE, Reassembler } from '../../src/wire/fragment.js';
import { HOP_TAGGED_TYPE, unwrapHopTagged } from '../../src/wire/hop-tagged.js';
import { decodeFrame, type Message } from '../../src/wire/message.js';

const CENTRE = 1;
const KIT = 2107;
const AREA = 430121101;
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 60 + i);
const KIT_CARD = '4204990';
/** A second kit's card the centre knows, with no module on the network. */
const KIT2_CARD = '4204991';
const CENTRE_CARD = '4207733';
const GROUP = '2032472';
const identities = new Map<number, ReturnType<typeof generateSigningKeyPair>>();

const keys: KeyRing = {
  macKey: (node) => deriveNodeMacKey(SECRET, node),
  relayKey: (node) => deriveRelayKey(deriveNodeMacKey(SECRET, node), node),
  revoked: () => false,
  issuerFloor: () => 0,
  issuerKey: (id) =>
    id === FIXTURE_ISSUER_ID
      ? { publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC), powers: ['warning'] }
      : undefined,
  nodeKey: (node) => {
    const pair = identities.get(node);
    return pair ? publicKeyFromRaw(pair.publicKey) : undefined;
  },
  isCentre: (node) => node === CENTRE,
};

interface Node {
  core: NodeCore;
  store: MessageStore;
  delivered: Message[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(
  id: number,
  link: Link,
  neighbours: Record<string, number>,
  routes: Route[],
): Promise<Node> {
  const dir = await mkdtemp(join(tmpdir(), `fieldnode-beidou-${id}-`));
  const store = await MessageStore.open(dir);
  const identity = generateSigningKeyPair();
  identities.set(id, identity);
  const core = new NodeCore({
    nodeId: id,
    ...(id === KIT ? { area: AREA } : {}),
    store,
    links: [
      { link, costClass: 'satellite', neighbours, ...(id === CENTRE ? { sendersEnrolled: true } : {}) },
    ],
    routes: new RoutingTable(routes),
    keys,
    identity: identity.privateKey,
    ...(id !== CENTRE ? { macKey: deriveNodeMacKey(SECRET, id) } : {}),
    clock: { now: () => Date.now(), trusted: () => true },
    // Longer than a round trip here: nothing is sent twice while its receipt is on the way.
    retry: { initialMs: 60_000, maxMs: 120_000, jitter: 0.1 },
    latencyBoundMs: [3_600_000, 3_600_000, 3_600_000, 3_600_000],
    log: silentLogger,
    receiptDelayMs: 50,
    beaconIntervalMs: 0,
  });
  const n: Node = { core, store, delivered: [] };
  core.on('delivered', (m) => n.delivered.push(m));
  cleanups.push(async () => {
    await core.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return n;
}

async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 150_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/**
 * Where each warning a card sent went: every transmission's whole frames (fragments reassembled
 * per address, batches unpacked, hop tags taken off), one entry per warning message in them.
 */
function warningsSentTo(transmissions: readonly BeidouTransmission[]): string[] {
  const reassembler = new Reassembler({ maxAgeMs: 3_600_000 });
  const out: string[] = [];
  const look = (bytes: Uint8Array, to: string) => {
    if (bytes[0] === FRAGMENT_TYPE) {
      const r = reassembler.accept(bytes, to);
      if (r.status === 'complete') look(r.frame, to);
      return;
    }
    for (const entry of unpackBatch(bytes)) {
      if (entry[0] === FRAGMENT_TYPE) look(entry, to);
      else {
        const frame = entry[0] === HOP_TAGGED_TYPE ? unwrapHopTagged(entry).frame : entry;
        if (decodeFrame(frame).message?.kind === 'warning') out.push(to);
      }
    }
  };
  for (const t of transmissions) look(t.bytes, t.to);
  return out;
}

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

it.skipIf(socat === undefined).each<[BeidouProtocol, number]>([
  ['bd3', 4],
  ['bd21', 4],
])(
  'reports up, receipts and a broadcast warning down over %s modules: all once, never refused for the interval',
  async (protocol, level) => {
    const w = await ptyWorld({
      protocol,
      speedup: 1,
      network: { deliveryDelayMs: [300, 1_500] },
      cards: [
        {
          card: { address: KIT_CARD, broadcast: GROUP, level, intervalS: 2 },
          link: { id: 'bd-kit', centreCard: CENTRE_CARD },
        },
        {
          card: { address: CENTRE_CARD, broadcast: GROUP, level, intervalS: 1, userType: 0 },
          link: { id: 'bd-centre', cards: [KIT_CARD, KIT2_CARD] },
        },
      ],
    });
    cleanups.push(() => w.teardown());
    const sent: BeidouTransmission[] = [];
    w.network.on('sent', (t) => sent.push(t));
    const [kitLink, centreLink] = w.links as [(typeof w.links)[0], (typeof w.links)[0]];

    const kit = await node(KIT, kitLink, { [CENTRE_CARD]: CENTRE }, [
      { target: { to: 'centre' }, link: 'bd-kit', cost: 0, source: 'config' },
    ]);
    const centre = await node(CENTRE, centreLink, { [KIT_CARD]: KIT }, [
      { target: { to: 'default' }, link: 'bd-centre', cost: 0, source: 'config' },
    ]);
    await Promise.all([kitLink.start(), centreLink.start()]);
    expect(kitLink.state.status).toBe('up');
    expect(centreLink.state.status).toBe('up');
    await centre.core.start();
    await kit.core.start();

    // Twelve reports in three bursts and three P0 texts: more than one interval's worth at once.
    const report = (n: number): Draft => ({
      kind: 'report',
      body: { stage: 'initial', hazard: 0x12, indicators: { affected: 100 + n, injured: n % 4 } },
      dest: { to: 'centre' },
      priority: 1,
      lifetimeMin: 24 * 60,
    });
    const ids: string[] = [];
    for (let burst = 0; burst < 3; burst++) {
      ids.push(...(await Promise.all([0, 1, 2, 3].map((i) => kit.core.submit(report(burst * 4 + i))))));
      ids.push(
        await kit.core.submit({
          kind: 'text',
          body: { text: `北斗测试 ${burst}` },
          dest: { to: 'centre' },
          priority: 0,
          lifetimeMin: 60,
        }),
      );
      await new Promise((r) => setTimeout(r, 1_500));
    }

    const nowS = Math.floor(Date.now() / 1000);
    const warningAt = sent.length;
    await centre.core.submit(
      {
        kind: 'warning',
        body: { ...R2.body, onset: nowS, expires: nowS + 6 * 3600 },
        dest: { to: 'area', area: 430121 },
        priority: 0,
        lifetimeMin: 360,
      },
      signatureAuthenticator(FIXTURE_ISSUER_KEY),
    );

    await eventually('every report and text at the centre', () => centre.delivered.length >= ids.length);
    await eventually('the warning at the kit', () => kit.delivered.some((m) => m.kind === 'warning'));
    await eventually('every receipt back at the kit', async () => {
      const metas = await Promise.all(ids.map((id) => kit.store.getMeta(id)));
      return metas.every((m) => m?.state === 'received');
    });

    // Delivered exactly once, at both ends.
    const atCentre = centre.delivered.filter((m) => m.kind !== 'receipt').map((m) => `${m.origin}/${m.seq}`);
    expect(new Set(atCentre).size).toBe(atCentre.length);
    expect([...atCentre].sort()).toEqual([...ids].sort());
    expect(kit.delivered.filter((m) => m.kind === 'warning')).toHaveLength(1);

    // The warning went once, to the broadcast address, never card by card.
    const fromCentre = sent.slice(warningAt).filter((t) => t.from === CENTRE_CARD);
    expect(warningsSentTo(fromCentre)).toEqual([GROUP]);
    expect(fromCentre.filter((t) => t.to === GROUP).every((t) => t.broadcast)).toBe(true);
    expect(fromCentre.some((t) => t.to === KIT2_CARD)).toBe(false);
    // The core packed what was due: fewer messages than reports and texts.
    const fromKit = sent.filter((t) => t.from === KIT_CARD);
    expect(fromKit.length).toBeLessThan(ids.length);
    // The cards' intervals were kept: no module refused, and the kit's sends were 2 s apart or more.
    for (const m of w.modules) expect(m.sim.counts.refusedByFrequency).toBe(0);
    for (const [i, t] of fromKit.entries())
      if (i > 0) expect(t.at - (fromKit[i - 1] as BeidouTransmission).at).toBeGreaterThanOrEqual(2_000);
    expect(kitLink.counters().bdRefusedByFrequency).toBe(0);
    if (protocol === 'bd21') expect(kitLink.mtu).toBe(105);
  },
  300_000,
);

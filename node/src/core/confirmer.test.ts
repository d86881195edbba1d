/**
 * The Confirmer's holds on a shared radio channel (confirmer.ts; docs/store-and-forward.md
 * §Airtime on the mesh): a relay's custody signal waits as long as a vouched receipt would, so
 * that when the destination's word comes back meanwhile, one receipt crosses the mesh instead of a
 * custody signal and then a vouched receipt. On a link that is not a shared channel custody goes
 * after the usual delay. And its authentication: one receipt for two kits carries a relay tag for
 * each, and is signed instead when one of them is too old for tags (`untaggedKits`,
 * docs/keys.md §Upgrading a county).
 *
 * Real timers, a short receipt delay; the order of the events is what is tested, not their
 * timing: the destination's word comes after one delay and a half, before a held custody signal
 * is due and after an unheld one has gone (Node runs timers in the order they fall due).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import type { LinkCapabilities } from '../link/link.js';
import type { MessageMeta } from '../store/records.js';
import type { Authenticator } from '../wire/message.js';
import { Confirmer, CUSTODY_HOLD_DELAYS } from './confirmer.js';
import type { CoreLink, Draft, NodeCoreOptions } from './core-types.js';
import { newMeta } from './new-meta.js';

const DELAY_MS = 60;
const KIT = 3001;
const OTHER_KIT = 3002;

function confirmer(sharedMedium: boolean, keys: Partial<NodeCoreOptions> = {}) {
  const capabilities: LinkCapabilities = {
    maxSendBytes: 200,
    maxReceiveBytes: 200,
    minSendIntervalMs: 0,
    confirmationWaitMs: 50_000,
    sharedMedium,
  };
  const link = {
    link: { id: 'mesh', mtu: 200, capabilities },
    costClass: 'mesh',
    neighbours: { '!k': KIT, '!m': OTHER_KIT },
  };
  const options = {
    links: [link as unknown as CoreLink],
    clock: { now: () => Date.now(), trusted: () => true },
    log: silentLogger,
    receiptDelayMs: DELAY_MS,
    // No relay keys here: receipts go with this node's own authentication.
    nodeId: 1,
    keys: { isCentre: () => false, relayKey: () => undefined },
    ...keys,
  } as unknown as NodeCoreOptions;
  const sent: Array<{ draft: Draft<'receipt'>; at: number; auth?: Authenticator }> = [];
  const c = new Confirmer(options, {
    frameSize: () => 100,
    submit: async (draft, _via, auth) => {
      sent.push({ draft, at: Date.now(), ...(auth === undefined ? {} : { auth }) });
    },
  });
  return { c, sent };
}

/** A report of the kit's (`origin`'s, heard as `from`), relayed here and sent on toward the centre. */
function relayed(seq: number, origin = KIT, from = '!k'): MessageMeta {
  const m = newMeta(
    {
      origin,
      seq,
      priority: 1,
      createdAt: 1_800_000_000,
      lifetimeMin: 60,
      dest: { to: 'centre' },
      flags: [],
      kindCode: 1,
    },
    { local: false, forMe: false, receipt: false, broadcastRepeats: 3 },
  );
  return Object.assign(m, { out: { ip: Date.now() }, prevHop: { link: 'mesh', from, node: origin } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function custodyThenDestinationsWord(sharedMedium: boolean) {
  const { c, sent } = confirmer(sharedMedium);
  const prevHop = { link: 'mesh', from: '!k', node: KIT };
  const meta = relayed(5);
  c.confirm(meta, prevHop);
  await sleep(DELAY_MS * 1.5);
  // The destination's word came: custody owed for it is superseded, and the relay vouches.
  c.suppress([{ origin: KIT, from: 5, to: 5 }], KIT);
  c.confirm({ ...meta, state: 'received', done: true, out: {} }, prevHop, true);
  await sleep(DELAY_MS * (CUSTODY_HOLD_DELAYS + 3));
  await c.stop();
  return sent.map((s) => ({
    scope: s.draft.body.scope,
    ranges: s.draft.body.ranges,
    vouched: s.draft.body.vouched,
  }));
}

describe('custody held on a shared radio channel', () => {
  it('the destination’s word coming within the hold: one vouched receipt, no custody signal', async () => {
    const sent = await custodyThenDestinationsWord(true);
    expect(sent).toStrictEqual([
      { scope: 'vouched', ranges: [{ origin: KIT, from: 5, to: 5 }], vouched: undefined },
    ]);
  });

  it('on a link that is not a shared channel: custody after one delay, then vouched', async () => {
    const sent = await custodyThenDestinationsWord(false);
    expect(sent.map((s) => s.scope)).toStrictEqual(['custody', 'vouched']);
  });

  it('with no word from the destination, custody still goes, after the hold and before the sender’s wait', async () => {
    const { c, sent } = confirmer(true);
    const started = Date.now();
    c.confirm(relayed(6), { link: 'mesh', from: '!k', node: KIT });
    for (let i = 0; i < 200 && sent.length === 0; i++) await sleep(DELAY_MS / 2);
    await c.stop();
    expect(sent.map((s) => s.draft.body.scope)).toStrictEqual(['custody']);
    expect((sent[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(CUSTODY_HOLD_DELAYS * DELAY_MS - 5);
  });
});

describe('relay tags and kits too old for them', () => {
  const relayKey = (kit: number) => new Uint8Array(32).fill(kit % 251);
  const keyed = (untagged: number[]) =>
    // A shared radio channel: custody owed to two neighbours goes as one frame to everyone.
    confirmer(true, {
      keys: { isCentre: () => false, relayKey },
      ...(untagged.length === 0 ? {} : { untaggedKits: new Set(untagged) }),
    } as unknown as Partial<NodeCoreOptions>);

  /** The scheme of each custody signal sent for one report of each of the two kits, heard together. */
  async function schemes(untagged: number[]): Promise<Array<string | undefined>> {
    const { c, sent } = keyed(untagged);
    c.confirm(relayed(7), { link: 'mesh', from: '!k', node: KIT });
    c.confirm(relayed(8, OTHER_KIT, '!m'), { link: 'mesh', from: '!m', node: OTHER_KIT });
    await sleep(DELAY_MS * (CUSTODY_HOLD_DELAYS + 3));
    await c.stop();
    expect(sent.map((s) => s.draft.body.scope)).toStrictEqual(['custody']);
    expect(sent[0]?.draft.body.ranges?.map((r) => r.origin).sort()).toStrictEqual([KIT, OTHER_KIT]);
    return sent.map((s) => s.auth?.scheme);
  }

  it('one receipt for two kits goes with a tag for each', async () => {
    expect(await schemes([])).toStrictEqual(['relay-tags']);
  });

  it('one receipt for two kits, one of them too old for tags, goes signed for both', async () => {
    expect(await schemes([OTHER_KIT])).toStrictEqual([undefined]);
  });
});

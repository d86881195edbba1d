/**
 * The Confirmer's holds on a shared radio channel (confirmer.ts; docs/store-and-forward.md
 * §Airtime on the mesh): a relay's custody signal waits as long as a vouched receipt would, so
 * that when the destination's word comes back meanwhile, one receipt crosses the mesh instead of a
 * custody signal and then a vouched receipt. On a link that is not a shared channel custody goes
 * after the usual delay.
 *
 * Real timers, a short receipt delay; the order of the events is what is tested, not their
 * timing: the destination's word comes after one delay and a half, before a held custody signal
 * is due and after an unheld one has gone (Node runs timers in the order they fall due).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import type { LinkCapabilities } from '../link/link.js';
import type { MessageMeta } from '../store/records.js';
import { Confirmer, CUSTODY_HOLD_DELAYS } from './confirmer.js';
import type { CoreLink, Draft, NodeCoreOptions } from './core-types.js';
import { newMeta } from './new-meta.js';

const DELAY_MS = 60;
const KIT = 3001;

function confirmer(sharedMedium: boolean) {
  const capabilities: LinkCapabilities = {
    maxSendBytes: 200,
    maxReceiveBytes: 200,
    minSendIntervalMs: 0,
    confirmationWaitMs: 50_000,
    sharedMedium,
  };
  const link = { link: { id: 'mesh', mtu: 200, capabilities }, costClass: 'mesh', neighbours: { '!k': KIT } };
  const options = {
    links: [link as unknown as CoreLink],
    clock: { now: () => Date.now(), trusted: () => true },
    log: silentLogger,
    receiptDelayMs: DELAY_MS,
    // No relay keys here: receipts go with this node's own authentication.
    nodeId: 1,
    keys: { isCentre: () => false, relayKey: () => undefined },
  } as unknown as NodeCoreOptions;
  const sent: Array<{ draft: Draft<'receipt'>; at: number }> = [];
  const c = new Confirmer(options, {
    frameSize: () => 100,
    submit: async (draft) => {
      sent.push({ draft, at: Date.now() });
    },
  });
  return { c, sent };
}

/** A report of the kit's, relayed here and sent on toward the centre. */
function relayed(seq: number): MessageMeta {
  const m = newMeta(
    {
      origin: KIT,
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
  return Object.assign(m, { out: { ip: Date.now() }, prevHop: { link: 'mesh', from: '!k', node: KIT } });
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

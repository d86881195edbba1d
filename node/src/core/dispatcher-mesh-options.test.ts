/**
 * The dispatcher tells the link what the core needs of each frame (dispatcher.ts,
 * mesh-send-options.ts; docs/store-and-forward.md §Airtime on the mesh): a unicast message the
 * core confirms itself and a receipt go with `linkAck: 'none'` (a mesh radio then sends them
 * without want_ack), a receipt with `reach: 'heard'`, a broadcast with neither. A real
 * MessageStore in a temp dir, a fake link pair whose send() options are recorded, real timers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import type { SendOptions } from '../link/link.js';
import { MessageStore } from '../store/message-store.js';
import type { Destination } from '../wire/envelope.js';
import { Dispatcher } from './dispatcher.js';
import { newMeta } from './new-meta.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('a report and a receipt go without a link acknowledgement, the receipt as far as heard; a broadcast as usual', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-mesh-options-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const store = await MessageStore.open(dir);
  cleanups.push(() => store.close());
  const [ours, peer] = createFakeLinkPair({ ids: ['mesh', 'peer'], from: ['A', 'B'] });
  cleanups.push(async () => {
    await ours.stop();
    await peer.stop();
  });
  const sent = new Map<number, SendOptions | undefined>();
  const send = ours.send.bind(ours);
  ours.send = (frame, opts) => {
    sent.set(frame[1] as number, opts);
    return send(frame, opts);
  };
  await ours.start();
  await peer.start();

  const queue = async (seq: number, dest: Destination, receipt: boolean, nextHop?: string) => {
    const meta = newMeta(
      {
        origin: 3001,
        seq,
        priority: 1,
        createdAt: Math.floor(Date.now() / 1000),
        lifetimeMin: 60,
        dest,
        flags: [],
        kindCode: 1,
      },
      { local: true, forMe: false, receipt, broadcastRepeats: 3 },
    );
    Object.assign(meta, { out: { mesh: Date.now() }, ...(nextHop && { nextHop: { mesh: nextHop } }) });
    await store.admit(meta, Uint8Array.of(0x54, seq, 0, 0), { sync: false });
  };
  await queue(1, { to: 'centre' }, false, 'B'); // a report to the gateway
  await queue(2, { to: 'node', node: 2101 }, true, 'B'); // a custody signal to one neighbour
  await queue(3, { to: 'all' }, false); // a broadcast

  const dispatcher = new Dispatcher({
    link: ours,
    store,
    retry: { initialMs: 60_000, maxMs: 60_000, jitter: 0 },
    receiptWaitMs: 600_000,
    upGraceMs: 0,
    now: () => Date.now(),
    random: () => 0.5,
    log: silentLogger,
    onExpired: async () => {},
  });
  cleanups.push(() => dispatcher.stop());
  dispatcher.kick();
  const end = Date.now() + 5000;
  while (sent.size < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));

  expect(sent.get(1)).toMatchObject({ to: 'B', linkAck: 'none' });
  expect(sent.get(1)?.reach).toBeUndefined();
  expect(sent.get(2)).toMatchObject({ to: 'B', linkAck: 'none', reach: 'heard' });
  expect(sent.get(3)?.linkAck).toBeUndefined();
  expect(sent.get(3)?.reach).toBeUndefined();
});

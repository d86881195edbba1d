/**
 * The dispatcher over a satellite link (dispatcher.ts; docs/store-and-forward.md §Satellite): a
 * message that wants no receipt is done once Iridium accepted it (the centre sends nothing back
 * for it, confirmations.ts), while one that wants a receipt waits the link's confirmation wait.
 * A real MessageStore in a temp dir and a fake link pair classed as satellite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fakeCapabilitiesFor } from '../../test/fake-capabilities.js';
import { silentLogger } from '../base/logger.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import { MessageStore } from '../store/message-store.js';
import type { EnvelopeFlag } from '../wire/envelope.js';
import { Dispatcher } from './dispatcher.js';
import { newMeta } from './new-meta.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('ends a no-receipt message when the satellite takes it, and keeps one that wants a receipt', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-dispatch-'));
  const store = await MessageStore.open(dir);
  const [sat, centre] = createFakeLinkPair({
    ids: ['sat', 'centre'],
    capabilities: fakeCapabilitiesFor('satellite', { centre: false }),
  });
  const dispatcher = new Dispatcher({
    link: sat,
    store,
    retry: { initialMs: 1000, maxMs: 1000, jitter: 0 },
    receiptWaitMs: 600_000,
    upGraceMs: 0,
    now: () => Date.now(),
    random: () => 0.5,
    log: silentLogger,
    onExpired: async () => {},
  });
  cleanups.push(async () => {
    await dispatcher.stop();
    await sat.stop();
    await centre.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const queue = async (seq: number, flags: EnvelopeFlag[]) => {
    const meta = newMeta(
      {
        origin: 5001,
        seq,
        priority: 2,
        createdAt: Math.floor(Date.now() / 1000),
        lifetimeMin: 60,
        dest: { to: 'centre' },
        flags,
        kindCode: 8,
      },
      { local: true, forMe: false, receipt: false, broadcastRepeats: 3 },
    );
    meta.out = { sat: Date.now() };
    await store.admit(meta, Uint8Array.of(0x58, 0x08, seq), { sync: false });
  };
  await queue(1, ['noReceipt']);
  await queue(2, []);
  let heard = 0;
  centre.on('frame', () => heard++);
  await sat.start();
  await centre.start();
  dispatcher.kick();
  const end = Date.now() + 5000;
  while (heard < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50)); // the outcome is recorded after the send
  const position = await store.getMeta('5001/1');
  const report = await store.getMeta('5001/2');
  expect(position?.done).toBe(true);
  expect(position?.out).toEqual({});
  expect(position?.state).toBe('sent');
  expect(report?.done).toBe(false);
  expect(report?.out.sat).toBeGreaterThan(Date.now());
});

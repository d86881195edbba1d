/**
 * The outbox floors (outbox-floors.ts, docs/store-and-forward.md §Scanning the outbox): a scan that
 * starts at the floor skips LevelDB's tombstones, and must still find every entry due. Checked
 * against a model over a real LevelDB, with writes racing the scans, and on the floor rules alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { queuedMeta } from '../../test/meta-fixture.js';
import { MessageStore } from './message-store.js';
import { OutboxFloors } from './outbox-floors.js';
import type { MessageMeta } from './records.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

it('lowers the floor for a put below it, and never raises it above a put a scan could not see', () => {
  const floors = new OutboxFloors();
  const range = OutboxFloors.range('mesh', 1);
  expect(floors.floor(range)).toBe(0);
  // A scan found its first entry at 500: nothing lies below.
  floors.end(floors.begin(range, Number.POSITIVE_INFINITY), { first: 500, now: 900 });
  expect(floors.floor(range)).toBe(500);
  floors.put(range, 300);
  expect(floors.floor(range)).toBe(300);
  // Staged and not on disk when the scan began: the scan saw 800 first, but 350 is coming.
  floors.end(floors.begin(range, 350), { first: 800, now: 900 });
  expect(floors.floor(range)).toBe(350);
  // Put while the scan ran, below what the scan saw.
  const scan = floors.begin(range, Number.POSITIVE_INFINITY);
  floors.put(range, 360);
  floors.end(scan, { first: undefined, now: 1000 });
  expect(floors.floor(range)).toBe(360);
  // Nothing found and nothing put: past now.
  floors.end(floors.begin(range, Number.POSITIVE_INFINITY), { first: undefined, now: 1000 });
  expect(floors.floor(range)).toBe(1001);
  // A failed scan changes nothing; other ranges are their own.
  floors.end(floors.begin(range, 5));
  expect(floors.floor(range)).toBe(1001);
  expect(floors.floor(OutboxFloors.range('mesh', 2))).toBe(0);
});

type Step =
  | { op: 'admit'; n: number; due: number; priority: 0 | 1 | 2 | 3 }
  | { op: 'move'; n: number; due: number }
  | { op: 'remove'; n: number }
  | { op: 'scan'; now: number; wait: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('admit' as const),
    n: fc.nat(8),
    due: fc.nat(2000),
    priority: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
  }),
  fc.record({ op: fc.constant('move' as const), n: fc.nat(40), due: fc.nat(2000) }),
  fc.record({ op: fc.constant('move' as const), n: fc.nat(8), due: fc.nat(2000) }),
  fc.record({ op: fc.constant('remove' as const), n: fc.nat(40) }),
  fc.record({ op: fc.constant('scan' as const), now: fc.nat(2200), wait: fc.boolean() }),
);

it('due() finds exactly the entries due, in any order of admissions, moves, removals and scans (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
      const dir = await mkdtemp(join(tmpdir(), 'fieldnode-floors-'));
      dirs.push(dir);
      const store = await MessageStore.open(join(dir, 'store'));
      try {
        const live = new Map<string, MessageMeta>();
        const racing: Promise<string[]>[] = [];
        // Scans begun and not awaited yet race the writes after them; each is checked against the
        // entries that were due and on disk when it began and stayed so until it ended.
        for (const s of steps) {
          const id = `2107/${s.op === 'scan' ? 0 : s.n + 1}`;
          if (s.op === 'admit' && !live.has(id)) {
            const meta = queuedMeta(id, s.priority, { mesh: s.due });
            live.set(id, meta);
            await store.admit(meta, new Uint8Array([1]), { sync: false });
          } else if (s.op === 'move' && live.has(id)) {
            const before = live.get(id) as MessageMeta;
            const meta = structuredClone(before);
            meta.out.mesh = s.due;
            live.set(id, meta);
            void store.save(meta, before, { sync: false });
          } else if (s.op === 'remove' && live.has(id)) {
            const before = live.get(id) as MessageMeta;
            const meta = structuredClone(before);
            delete meta.out.mesh;
            meta.done = true;
            live.delete(id);
            void store.save(meta, before, { sync: false });
          } else if (s.op === 'scan') {
            if (s.wait) {
              await store.settled();
              expect(await store.due('mesh', s.now, 1000)).toEqual(expectedDue(live, s.now));
            } else {
              // Not awaited: the steps after it write while it reads, as the dispatcher's scans
              // race admissions. What it returns is checked below only for being ids ever stored.
              racing.push(store.due('mesh', s.now, 1000));
            }
          }
        }
        for (const got of await Promise.all(racing)) for (const id of got) expect(id).toMatch(/^2107\/\d+$/);
        // Whatever the floors learnt on the way, once everything is on disk nothing is missed.
        await store.settled();
        for (const now of [0, 500, 1000, 2000, 2200])
          expect(await store.due('mesh', now, 1000)).toEqual(expectedDue(live, now));
      } finally {
        await store.close();
      }
    }),
    { numRuns: 100 },
  );
}, 120_000);

/** Ids due by `now`, highest priority first, then by due time and id, as due() orders them. */
function expectedDue(live: Map<string, MessageMeta>, now: number): string[] {
  return [...live.values()]
    .filter((m) => (m.out.mesh ?? Number.POSITIVE_INFINITY) <= now)
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        (a.out.mesh as number) - (b.out.mesh as number) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((m) => m.id);
}

/**
 * The outbox index (outbox-index.ts; docs/store-and-forward.md §Scanning the outbox, §Group
 * commit): what is due is what is on disk less what a staged change took out, a put below a floor
 * is found by the next scan, and the whole-outbox reads wait for what was staged before them. A
 * real LevelDB in a temp dir under a real group commit whose writes the test holds open.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { GroupCommit, type StagedOp } from './group-commit.js';
import { OutboxIndex } from './outbox-index.js';
import { outKey } from './records.js';
import type { Sub } from './store-layout.js';

let dir: string;
let db: Level<string, Uint8Array>;
let index: OutboxIndex;
let commit: GroupCommit;
/** Range reads of the outbox opened on the disk so far. */
let scans = 0;
/** While set, every write waits for it: what is staged stays off the disk. */
let hold: Promise<void> | undefined;
let release: () => void;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-outbox-'));
  db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
  await db.open();
  const out = db.sublevel<string, Uint8Array>('out', { valueEncoding: 'view' });
  hold = undefined;
  commit = new GroupCommit({
    write: async (ops) => {
      await hold;
      await db.batch(
        ops.map((op) =>
          op.value === undefined
            ? { type: 'del' as const, sublevel: out, key: op.key }
            : { type: 'put' as const, sublevel: out, key: op.key, value: op.value },
        ) as never,
      );
    },
    onFailed: () => {},
  });
  scans = 0;
  const counted = Object.assign(Object.create(out), {
    keys: (range: Parameters<typeof out.keys>[0] = {}) => {
      scans++;
      return out.keys(range);
    },
  });
  index = new OutboxIndex(counted as Sub, commit);
});
afterEach(async () => {
  release?.();
  await commit.idle();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

function holdWrites(): void {
  hold = new Promise((r) => {
    release = () => {
      hold = undefined;
      r();
    };
  });
}

/** Stages as the store does: the index sees the ops, then the group commit takes them. */
function stage(...ops: StagedOp[]): Promise<void> {
  index.staging(ops);
  return commit.stage(ops, false);
}

const put = (id: string, dueAt: number, priority: 0 | 1 | 2 | 3 = 1): StagedOp => ({
  sub: 'out',
  key: outKey('mesh', priority, dueAt, id),
  value: new Uint8Array(0),
});
const del = (id: string, dueAt: number, priority: 0 | 1 | 2 | 3 = 1): StagedOp => ({
  sub: 'out',
  key: outKey('mesh', priority, dueAt, id),
});

it('lists an entry only once it is on disk, and drops at once one a staged change took out', async () => {
  holdWrites();
  const written = stage(put('5/1', 100));
  expect(await index.due('mesh', 1000, 10)).toEqual([]);
  release();
  await written;
  expect(await index.due('mesh', 1000, 10)).toEqual(['5/1']);
  // Sent: the entry moves to its next due time, and the move waits for the disk.
  holdWrites();
  const moved = stage(del('5/1', 100), put('5/1', 5000));
  expect(await index.due('mesh', 1000, 10)).toEqual([]);
  release();
  await moved;
  expect(await index.due('mesh', 1000, 10)).toEqual([]);
  expect(await index.due('mesh', 5000, 10)).toEqual(['5/1']);
});

it('finds an entry put below where the last scan started, most urgent priority first', async () => {
  await stage(put('5/2', 500));
  // This scan raises the range's floor to 500: nothing lay below.
  expect(await index.due('mesh', 1000, 10)).toEqual(['5/2']);
  await stage(put('5/3', 50), put('5/4', 700, 0));
  expect(await index.due('mesh', 1000, 10)).toEqual(['5/4', '5/3', '5/2']);
  expect(await index.due('mesh', 1000, 2)).toEqual(['5/4', '5/3']);
  expect(await index.nextDue('mesh')).toBe(50);
});

it('counts the outbox and finds its next due time only after what was staged before is written', async () => {
  holdWrites();
  void stage(put('6/1', 300), { ...put('6/2', 200), key: outKey('sat', 2, 200, '6/2') });
  const counts = index.counts();
  const next = index.nextDue('sat');
  // Time enough for a read that did not wait to reach the disk and find nothing.
  await new Promise((r) => setTimeout(r, 20));
  release();
  expect(await counts).toEqual({ mesh: 1, sat: 1 });
  expect(await next).toBe(200);
});

it('opens no read of a range whose floor says nothing in it is due, and still finds a put there', async () => {
  await stage(put('7/1', 100, 1));
  // The first look scans all four priorities; the three empty ones learn that nothing is due.
  expect(await index.due('mesh', 1000, 10)).toEqual(['7/1']);
  expect(scans).toBe(4);
  scans = 0;
  expect(await index.due('mesh', 1000, 10)).toEqual(['7/1']);
  expect(scans).toBe(1);
  // A put below a floor lowers it: the range is read again and the entry found.
  await stage(put('7/2', 900, 0));
  scans = 0;
  expect(await index.due('mesh', 1000, 10)).toEqual(['7/2', '7/1']);
  expect(scans).toBe(2);
  // Later, the empty ranges' entries may be due: a floor just past the old `now` is read again.
  scans = 0;
  await index.due('mesh', 5000, 10);
  expect(scans).toBe(4);
});

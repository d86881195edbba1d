/**
 * `fieldnode backup` and `fieldnode restore` as an operator runs them (docs/operating.md §Backup and
 * restore), the real binary in child processes over a real data directory: a kit that reports its
 * health every second, so that its store is written while the backup is made.
 *
 * - With the daemon running, the backup is made by it over the control socket; restored into a
 *   fresh data directory, the store opens and holds, byte for byte, the frame and record of every
 *   message the backup's snapshot held, as the running node had them, and the identity is the same.
 * - With no daemon, the command makes it itself; restored, the store's every entry (messages,
 *   records, indexes, counters) and every file are the same as the node's.
 * - A restore moves the node's sequence on by DEFAULT_SEQ_SKIP unless told, by `--seq-skip N`, N
 *   (0 keeps the backup's); a restore never writes over a node's data directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { DEFAULT_SEQ_SKIP } from '../../src/cli/backup-command.js';
import { MessageStore } from '../../src/store/message-store.js';
import { readStoreEntries } from '../../src/store/store-entries.js';
import { type RunningFieldnode, runFieldnode, startFieldnode } from '../fieldnode-binary.js';
import { makeKeys, writeConfig } from './start-fixtures.js';

let keys: string;
let dir: string;
const daemons: RunningFieldnode[] = [];

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'fieldnode-backup-keys-'));
  await makeKeys(keys, [2107]);
});
afterAll(async () => {
  await rm(keys, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-backup-cli-'));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await rm(dir, { recursive: true, force: true });
});

const kitYaml = () =>
  'node: { id: 2107, role: kit, area: 430121101201 }\ndata_dir: data\n' +
  `keys: { kit_key_file: ${keys}/kit-2107.key }\nkits: { health_interval_s: 1 }\n`;

const seqOf = (id: string) => Number(id.split('/')[1]);

async function readKvOf(storeDir: string, key: string): Promise<unknown> {
  const store = await MessageStore.open(storeDir);
  try {
    return await store.getKv(key);
  } finally {
    await store.close();
  }
}

async function entries(storeDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const [k, v] of readStoreEntries(storeDir))
    out.set(Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex'));
  return out;
}

it('made by the running daemon while it stores, restored into a fresh directory: one point in time, byte for byte', async () => {
  const config = await writeConfig(dir, 'kit.yaml', kitYaml());
  const d = startFieldnode(['start', '--config', config], { cwd: dir });
  daemons.push(d);
  await d.waitFor('fieldnode running');
  await new Promise((r) => setTimeout(r, 2500));

  const out = join(dir, 'backup');
  const made = await runFieldnode(['backup', '--config', config, '--out', out], { cwd: dir });
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  expect(made.stdout).toContain('backup of node 2107 (kit)');
  expect(made.stdout).toContain('made by the running daemon');
  // The node went on storing its health messages meanwhile; then it stops.
  await new Promise((r) => setTimeout(r, 1500));
  await d.stop();
  daemons.splice(0);

  const restoredDir = join(dir, 'restored');
  const restored = await runFieldnode(['restore', out, '--data-dir', restoredDir], { cwd: dir });
  expect(restored.stderr).toBe('');
  expect(restored.code).toBe(0);
  expect(restored.stdout).toContain(`restored node 2107 (kit) from ${out} into ${restoredDir}`);

  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
    store: { entries: number };
  };
  const node = await entries(join(dir, 'data', 'store'));
  const back = await entries(join(restoredDir, 'store'));
  expect(back.size).toBe(manifest.store.entries);
  // The node stored more after the snapshot: the backup is a point in time, not the end.
  expect(node.size).toBeGreaterThan(back.size);
  // The snapshot's messages are 2107/1 … 2107/N with no gap, each frame the node's own, byte for
  // byte (a frame never changes), each with its record.
  const nodeStore = await MessageStore.open(join(dir, 'data', 'store'));
  const backStore = await MessageStore.open(join(restoredDir, 'store'));
  try {
    const ids = (await backStore.openIds()).sort((a, b) => seqOf(a) - seqOf(b));
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).toEqual(ids.map((_, i) => `2107/${i + 1}`));
    expect((await nodeStore.openIds()).length).toBeGreaterThan(ids.length);
    for (const id of ids) {
      expect(await backStore.getFrame(id), id).toEqual(await nodeStore.getFrame(id));
      expect((await backStore.getMeta(id))?.kindCode, id).toBe(13); // health
    }
  } finally {
    await nodeStore.close();
    await backStore.close();
  }
  expect(await readFile(join(restoredDir, 'identity.json'))).toEqual(
    await readFile(join(dir, 'data', 'identity.json')),
  );
}, 60_000);

it('made with no daemon running, restored: every store entry and file the same; never over a node', async () => {
  const config = await writeConfig(dir, 'kit.yaml', kitYaml());
  const d = startFieldnode(['start', '--config', config], { cwd: dir });
  daemons.push(d);
  await d.waitFor('fieldnode running');
  await new Promise((r) => setTimeout(r, 2500));
  await d.stop();
  daemons.splice(0);

  const out = join(dir, 'backup');
  const made = await runFieldnode(['backup', '--config', config, '--out', out], { cwd: dir });
  expect(made.code).toBe(0);
  expect(made.stdout).toContain('made by this command (no daemon running)');

  // --seq-skip 0, by choice: the store exactly as the backup held it, its sequence too.
  const restoredDir = join(dir, 'restored');
  const exact = await runFieldnode(['restore', out, '--data-dir', restoredDir, '--seq-skip', '0'], {
    cwd: dir,
  });
  expect(exact.code).toBe(0);
  expect(exact.stdout).toContain('seq     as the backup left it (--seq-skip 0)');
  const node = await entries(join(dir, 'data', 'store'));
  expect(node.size).toBeGreaterThan(5);
  expect(await entries(join(restoredDir, 'store'))).toEqual(node);
  expect(await readFile(join(restoredDir, 'identity.json'))).toEqual(
    await readFile(join(dir, 'data', 'identity.json')),
  );

  // Restored with --seq-skip, the node numbers its next message past what it may have sent since.
  const skipped = join(dir, 'skipped');
  const moved = await runFieldnode(['restore', out, '--data-dir', skipped, '--seq-skip', '5000'], {
    cwd: dir,
  });
  expect(moved.code).toBe(0);
  const nodeStore = await MessageStore.open(join(dir, 'data', 'store'));
  const skippedStore = await MessageStore.open(join(skipped, 'store'));
  try {
    const was = (await nodeStore.getKv<number>('seq')) as number;
    expect(was).toBeGreaterThan(1);
    expect(await skippedStore.getKv<number>('seq')).toBe(was + 5000);
    expect(moved.stdout).toContain(`seq     moved on from ${was} to ${was + 5000} (--seq-skip 5000)`);
  } finally {
    await nodeStore.close();
    await skippedStore.close();
  }
  // Not told, a restore moves the sequence on by the default: a restored node never numbers a
  // message again that it may have sent after the backup.
  const plain = join(dir, 'plain');
  const byDefault = await runFieldnode(['restore', out, '--data-dir', plain], { cwd: dir });
  expect(byDefault.code).toBe(0);
  const plainStore = await MessageStore.open(join(plain, 'store'));
  try {
    const was = (await readKvOf(join(dir, 'data', 'store'), 'seq')) as number;
    expect(await plainStore.getKv<number>('seq')).toBe(was + DEFAULT_SEQ_SKIP);
    expect(byDefault.stdout).toContain(
      `seq     moved on from ${was} to ${was + DEFAULT_SEQ_SKIP} (the default skip ${DEFAULT_SEQ_SKIP})`,
    );
  } finally {
    await plainStore.close();
  }
  const bad = await runFieldnode(['restore', out, '--data-dir', join(dir, 'x'), '--seq-skip', 'lots'], {
    cwd: dir,
  });
  expect(bad.code).toBe(2);

  const over = await runFieldnode(['restore', out, '--data-dir', join(dir, 'data')], { cwd: dir });
  expect(over.code).not.toBe(0);
  expect(over.stderr).toMatch(/not empty|exists/);
}, 60_000);

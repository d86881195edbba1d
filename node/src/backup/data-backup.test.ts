/**
 * Backup and restore of a data directory (data-backup.ts, data-restore.ts; docs/operating.md
 * §Backup and restore), over a real NodeCore on a real LevelDB, a real audit log and journals in a
 * temporary directory:
 *
 * - quiet: restored into a fresh data directory, the store holds every entry byte for byte (every
 *   message, record, index entry, tombstone and kv), and every journal line, audit entry and the
 *   identity are the same; the audit chain verifies there;
 * - busy: made while messages are being stored, the restored store is one point in time: its
 *   sequence counter and its messages agree, every message stored before the backup began is in
 *   it, and each frame is the one the running store holds; a journal is copied up to a whole line;
 * - refusals: a backup never over another or inside the data directory; a restore never over a
 *   node, and never from a damaged backup (nothing is written then); key files only when asked,
 *   never over an existing file.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/integration/harness.js';
import { kitFailure } from '../../test/kit-errors.js';
import { silentLogger } from '../base/logger.js';
import { NodeCore } from '../core/node-core.js';
import { RoutingTable } from '../core/routing-table.js';
import { createIdentity } from '../crypto/identity.js';
import { deriveNodeMacKey } from '../crypto/mac.js';
import { AuditLog } from '../domain/audit/audit-log.js';
import { verifyAuditLog } from '../domain/audit/audit-verify.js';
import { MessageStore } from '../store/message-store.js';
import { readStoreEntries } from '../store/store-entries.js';
import { MANIFEST_FILE } from './backup-manifest.js';
import { writeBackup } from './data-backup.js';
import { restoreBackup } from './data-restore.js';

const KIT = 2107;
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);

let root: string;
let dataDir: string;
const cleanups: Array<() => Promise<unknown>> = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fieldnode-backup-'));
  dataDir = join(root, 'data');
  await mkdir(join(dataDir, 'store'), { recursive: true, mode: 0o700 });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(root, { recursive: true, force: true });
});

/** A kit's data directory: its identity, its store with a running core, an audit log and a journal. */
async function kitNode() {
  const { identity } = await createIdentity(dataDir, { nodeId: KIT, role: 'kit' });
  const store = await MessageStore.open(join(dataDir, 'store'));
  const core = new NodeCore({
    nodeId: KIT,
    store,
    links: [],
    routes: new RoutingTable([]),
    keys: new TestNetwork().keyRing(KIT),
    identity: identity.privateKey,
    macKey: deriveNodeMacKey(SECRET, KIT),
    clock: { now: Date.now, trusted: () => true },
    retry: { initialMs: 60, maxMs: 600, jitter: 0.2 },
    latencyBoundMs: [2000, 4000, 8000, 16000],
    log: silentLogger,
  });
  await core.start();
  const audit = await AuditLog.open({ path: join(dataDir, 'audit.jsonl'), nodeId: KIT, log: silentLogger });
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    await core.stop();
    await audit.close();
    await store.close();
  };
  cleanups.push(close);
  const file = (n: number) => ({
    kind: 'report' as const,
    body: { stage: 'initial' as const, hazard: 0x12, indicators: { affected: n } },
    dest: { to: 'centre' as const },
    priority: 1 as const,
    lifetimeMin: 60,
  });
  return { store, core, audit, close, file };
}

const backupOf = (store: MessageStore, out: string, keyFiles?: Array<{ setting: string; path: string }>) =>
  writeBackup({
    store,
    dataDir,
    out,
    node: { id: KIT, role: 'kit' },
    version: 'test',
    ...(keyFiles ? { keyFiles } : {}),
    now: Date.now,
    log: silentLogger,
  });

async function entries(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of readStoreEntries(dir))
    out.push(`${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
  return out;
}

describe('backup and restore of a data directory', () => {
  it('restores a quiet node into a fresh directory: every store entry, journal line and audit entry the same', async () => {
    const node = await kitNode();
    for (let i = 1; i <= 40; i++) await node.core.submit(node.file(i));
    for (let i = 1; i <= 5; i++)
      await node.audit.append({ actor: 3, action: 'audit.torn-tail-dropped', subject: `s${i}` });
    await writeFile(join(dataDir, 'incidents.jsonl'), '{"a":1}\n{"b":2}\n', { mode: 0o600 });
    await mkdir(join(dataDir, 'photos', '2107'), { recursive: true });
    await writeFile(join(dataDir, 'photos', '2107', 'p1.jpg'), Buffer.from([0xff, 0xd8, 1, 2, 3]));

    const out = join(root, 'backup');
    const manifest = await backupOf(node.store, out);
    expect(manifest.node).toEqual({ id: KIT, role: 'kit' });
    expect(manifest.files.map((f) => f.path)).toEqual([
      'audit.jsonl',
      'identity.json',
      'incidents.jsonl',
      'photos/2107/p1.jpg',
    ]);
    expect((await stat(join(out, 'store.dump'))).mode & 0o777).toBe(0o600);
    expect((await stat(out)).mode & 0o777).toBe(0o700);
    await node.close();

    const restored = join(root, 'restored');
    const result = await restoreBackup({ from: out, dataDir: restored, log: silentLogger });
    expect(result.entries).toBe(manifest.store.entries);
    expect(await entries(join(restored, 'store'))).toEqual(await entries(join(dataDir, 'store')));
    for (const f of ['identity.json', 'audit.jsonl', 'incidents.jsonl', 'photos/2107/p1.jpg'])
      expect(await readFile(join(restored, f))).toEqual(await readFile(join(dataDir, f)));
    expect(await verifyAuditLog(join(restored, 'audit.jsonl'))).toMatchObject({ ok: true, entries: 5 });
    expect((await stat(join(restored, 'audit.jsonl'))).mode & 0o777).toBe(0o600);
    // The restored store opens as a node's, and holds every message with its record.
    const store = await MessageStore.open(join(restored, 'store'));
    cleanups.push(() => store.close());
    for (let seq = 1; seq <= 40; seq++) {
      expect(await store.getFrame(`${KIT}/${seq}`)).toBeDefined();
      expect((await store.getMeta(`${KIT}/${seq}`))?.state).toBe('queued');
    }
  });

  it('made while messages are stored, restores one point in time, and a journal line being written is left out', async () => {
    const node = await kitNode();
    for (let i = 1; i <= 50; i++) await node.core.submit(node.file(i));
    // A journal whose last line is being written: it ends without its newline.
    await writeFile(join(dataDir, 'kit-board.jsonl'), '{"t":"heard"}\n{"t":"hea', { mode: 0o600 });
    let storing = true;
    let n = 100;
    const load = (async () => {
      while (storing) await Promise.all(Array.from({ length: 8 }, () => node.core.submit(node.file(n++))));
    })();
    const before = (await node.store.getKv<number>('seq')) as number;
    const out = join(root, 'busy');
    await backupOf(node.store, out);
    storing = false;
    await load;
    const after = (await node.store.getKv<number>('seq')) as number;
    expect(after).toBeGreaterThan(before);

    const restored = join(root, 'restored');
    await restoreBackup({ from: out, dataDir: restored, log: silentLogger });
    expect(await readFile(join(restored, 'kit-board.jsonl'), 'utf8')).toBe('{"t":"heard"}\n');
    const store = await MessageStore.open(join(restored, 'store'));
    cleanups.push(() => store.close());
    const seq = (await store.getKv<number>('seq')) as number;
    // One instant: the counter and the messages agree, none torn from its record.
    expect(seq).toBeGreaterThanOrEqual(before);
    expect(seq).toBeLessThan(after); // stored on while the backup ran: not in it
    for (let s = 1; s <= seq; s++) {
      const frame = await store.getFrame(`${KIT}/${s}`);
      expect(frame, `message ${s}`).toBeDefined();
      expect(await store.getMeta(`${KIT}/${s}`), `record ${s}`).toBeDefined();
      expect(Buffer.from(frame as Uint8Array)).toEqual(
        Buffer.from((await node.store.getFrame(`${KIT}/${s}`)) as Uint8Array),
      );
    }
    expect(await store.getFrame(`${KIT}/${seq + 1}`)).toBeUndefined();
  });

  it('refuses to write over a backup or into the data directory, and to restore over a node or from a damaged backup', async () => {
    const node = await kitNode();
    await node.core.submit(node.file(1));
    const out = join(root, 'backup');
    await backupOf(node.store, out);
    expect(await kitFailure(backupOf(node.store, out))).toMatchObject({ code: 'BACKUP_EXISTS' });
    expect(await kitFailure(backupOf(node.store, join(dataDir, 'bk')))).toMatchObject({
      code: 'BACKUP_INSIDE_DATA_DIR',
    });
    expect(await kitFailure(restoreBackup({ from: out, dataDir, log: silentLogger }))).toMatchObject({
      code: 'RESTORE_NOT_EMPTY',
    });
    // One byte of the dump changed: refused before anything is written.
    const dump = await readFile(join(out, 'store.dump'));
    const at = dump.length - 20;
    dump[at] = (dump[at] as number) ^ 0xff;
    await writeFile(join(out, 'store.dump'), dump);
    const target = join(root, 'never');
    expect(await kitFailure(restoreBackup({ from: out, dataDir: target, log: silentLogger }))).toMatchObject({
      code: 'BACKUP_CORRUPT',
      message: expect.stringContaining('store.dump is not the file the backup made'),
    });
    await expect(stat(target)).rejects.toThrow();
    await rm(join(out, MANIFEST_FILE));
    expect(await kitFailure(restoreBackup({ from: out, dataDir: target, log: silentLogger }))).toMatchObject({
      code: 'BACKUP_CORRUPT',
      message: expect.stringContaining('not a fieldnode backup, or one that was never finished'),
    });
  });

  it('copies the key files only when asked, and restores them only where told, never over one', async () => {
    const node = await kitNode();
    const keyFile = join(root, 'kit.key');
    await writeFile(keyFile, 'fieldnode-kit-key 1\nnode 2107\n', { mode: 0o600 });
    const plain = await backupOf(node.store, join(root, 'plain'));
    expect(plain.keys).toEqual([]);
    expect(await readdir(join(root, 'plain'))).not.toContain('keys');
    const out = join(root, 'with-keys');
    const manifest = await backupOf(node.store, out, [{ setting: 'keys.kit_key_file', path: keyFile }]);
    expect(manifest.keys).toMatchObject([
      { setting: 'keys.kit_key_file', from: keyFile, path: 'keys/kit.key' },
    ]);
    // Two keys, the second of which will be in the way when restored.
    await writeFile(join(root, 'other.key'), 'fieldnode-kit-key 1\nnode 2108\n', { mode: 0o600 });
    const twoKeys = join(root, 'two-keys');
    await backupOf(node.store, twoKeys, [
      { setting: 'keys.kit_key_file', path: join(root, 'other.key') },
      { setting: 'keys.relay_keys_file', path: keyFile },
    ]);
    await node.close();

    const left = await restoreBackup({ from: out, dataDir: join(root, 'r1'), log: silentLogger });
    expect(left.keys).toEqual([]);
    expect(left.keysLeft).toEqual([`keys.kit_key_file: ${keyFile}`]);
    const keysTo = join(root, 'etc');
    const written = await restoreBackup({ from: out, dataDir: join(root, 'r2'), keysTo, log: silentLogger });
    expect(written.keys).toEqual([join(keysTo, 'kit.key')]);
    expect(await readFile(join(keysTo, 'kit.key'), 'utf8')).toBe('fieldnode-kit-key 1\nnode 2107\n');
    expect((await stat(join(keysTo, 'kit.key'))).mode & 0o777).toBe(0o600);
    expect(
      await kitFailure(restoreBackup({ from: out, dataDir: join(root, 'r3'), keysTo, log: silentLogger })),
    ).toMatchObject({ code: 'KEYS_EXISTS' });
    // The failed restore took its data directory away again.
    await expect(stat(join(root, 'r3'))).rejects.toThrow();
    // A data directory that was there before, empty (a mount point), stays, emptied of what the
    // failed restore wrote into it; so does the key directory it found, less the keys it wrote.
    const mount = join(root, 'mnt');
    await mkdir(mount, { mode: 0o700 });
    expect(
      await kitFailure(restoreBackup({ from: twoKeys, dataDir: mount, keysTo, log: silentLogger })),
    ).toMatchObject({ code: 'KEYS_EXISTS' });
    expect((await stat(mount)).isDirectory()).toBe(true);
    expect(await readdir(mount)).toEqual([]);
    expect((await readdir(keysTo)).sort()).toEqual(['kit.key']);
  });
});

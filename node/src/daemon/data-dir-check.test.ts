/** Tests for data-dir-check.ts: whom a data directory belongs to, and whether it can be written. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { MessageStore } from '../store/message-store.js';
import { checkNotInUse, checkOwner, checkWritable } from './data-dir-check.js';

const kit = { id: 2107, role: 'kit' };
const base = { dataDir: '/var/lib/fieldnode', node: kit, adopt: false };

describe('checkOwner', () => {
  it('makes, keeps or records the owner, and adopts only when asked', () => {
    expect(checkOwner({ ...base, hasIdentity: false, owner: undefined })).toBe('new');
    expect(checkOwner({ ...base, hasIdentity: true, owner: undefined })).toBe('record');
    expect(checkOwner({ ...base, hasIdentity: true, owner: { nodeId: 2107, role: 'kit' } })).toBe('same');
    expect(
      checkOwner({ ...base, adopt: true, hasIdentity: true, owner: { nodeId: 2108, role: 'kit' } }),
    ).toBe('adopt');
  });

  it('refuses another node id, and the same id in another role, naming both', () => {
    for (const owner of [
      { nodeId: 2108, role: 'kit' },
      { nodeId: 2107, role: 'gateway' },
    ]) {
      let err: unknown;
      try {
        checkOwner({ ...base, hasIdentity: true, owner });
      } catch (e) {
        err = e;
      }
      expect(isKitError(err, 'DATA_DIR_OTHER_NODE')).toBe(true);
      expect((err as Error).message).toBe(
        `the data directory /var/lib/fieldnode belongs to node ${owner.nodeId} (${owner.role}), not to node 2107 (kit)`,
      );
    }
  });
});

describe('checkWritable', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fieldnode-writable-'));
  });
  afterEach(async () => {
    await chmod(dir, 0o700);
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a writable directory, and one that does not exist yet under a writable one', async () => {
    await checkWritable(dir, 'the node identity');
    await checkWritable(join(dir, 'a', 'b', 'data'), 'the node identity');
  });

  it('leaves a path that is not a directory to the step that makes it', async () => {
    await writeFile(join(dir, 'file'), '');
    await checkWritable(join(dir, 'file'), 'the node identity');
  });

  // Root writes anywhere: a mode cannot refuse it (the read-only case runs in node/test/operator).
  it.skipIf(process.getuid?.() === 0)(
    'refuses a directory this user may not write, with the cause',
    async () => {
      await chmod(dir, 0o500);
      const err = await checkWritable(dir, 'the node identity').catch((e: unknown) => e);
      expect(isKitError(err, 'DATA_DIR_UNWRITABLE')).toBe(true);
      expect((err as Error).message).toBe(`cannot write the node identity in ${dir}`);
      expect((err as { cause?: { code?: string } }).cause?.code).toBe('EACCES');
    },
  );
});

describe('checkNotInUse', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fieldnode-in-use-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a directory with no store, and a store no one holds', async () => {
    await checkNotInUse(join(dir, 'new'));
    const store = await MessageStore.open(join(dir, 'store'));
    await store.close();
    await checkNotInUse(dir);
  });

  // Another process holding the store: node/src/cli/start-failure.test.ts and the binary's tests.
  it('leaves a store this very process holds to LevelDB (two nodes on one directory in a test)', async () => {
    const store = await MessageStore.open(join(dir, 'store'));
    try {
      await checkNotInUse(dir);
    } finally {
      await store.close();
    }
  });
});

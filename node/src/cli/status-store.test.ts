/**
 * The store in `fieldnode status` (docs/store-and-forward.md §Pruning): a node built by the
 * composition root reports its store's size on disk, what was pruned and the retention from its
 * configuration, and the status command prints them in one line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { stubStatus } from '../../test/stub-node.js';
import { createNode } from '../app.js';
import { silentLogger } from '../base/logger.js';
import { parseConfig } from '../config/load.js';
import { formatStatus } from './status-command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-status-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a running node reports its store: bytes on disk, what was pruned, the configured retention', async () => {
  const config = parseConfig(
    { node: { id: 1, role: 'centre' }, data_dir: dir, store: { retention_s: 7200 } },
    { baseDir: dir, env: {} },
  );
  const node = await createNode(config, { log: silentLogger });
  await node.start();
  try {
    const store = node.status().store;
    expect(store?.bytes).toBeGreaterThan(0);
    expect(store?.pruned).toEqual({ messages: 0, tombstones: 0 });
    expect(store?.retentionMs).toBe(7_200_000);
  } finally {
    await node.stop();
  }
});

it('prints the store in one line, and nothing for a daemon that reports none', () => {
  const text = formatStatus({
    ...stubStatus(),
    store: { bytes: 3.5 * 2 ** 20, pruned: { messages: 12, tombstones: 40 }, retentionMs: 86_400_000 },
  });
  expect(text).toContain(
    'store   3.5 MB; ended messages kept 1 d; pruned since start: 12 messages, 40 dedup records\n',
  );
  expect(
    formatStatus({
      ...stubStatus(),
      store: { bytes: 0, pruned: { messages: 0, tombstones: 0 }, retentionMs: 7_200_000 },
    }),
  ).toContain('kept 2 h;');
  expect(formatStatus(stubStatus())).not.toContain('store ');
});

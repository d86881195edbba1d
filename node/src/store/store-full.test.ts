/**
 * A full disk (docs/design.md §Storage: bad input gets a clear error and loses nothing): the store refuses new
 * messages with STORE_FULL and every message stored before stays readable. Needs a small tmpfs,
 * so it runs as root (CI does); elsewhere it is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queuedMeta } from '../../test/meta-fixture.js';
import { MessageStore } from './message-store.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'fieldnode-full-'));
let mounted = false;
try {
  if (process.getuid?.() === 0) {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    mounted = true;
  }
} catch {
  mounted = false;
}
if (!mounted) {
  console.log('store-full.test.ts: skipped: mounting a 256 KiB tmpfs needs root (CI runs as root)');
}

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  rmSync(mountPoint, { recursive: true, force: true });
});

const meta = (seq: number) => queuedMeta(`2107/${seq}`, 1, { mesh: seq });

describe.skipIf(!mounted)('a full disk', () => {
  it('refuses new messages with STORE_FULL and keeps every message stored before', async () => {
    const store = await MessageStore.open(join(mountPoint, 'store'));
    const frame = new Uint8Array(2000).fill(0x54);
    let stored = 0;
    let failure: unknown;
    for (let seq = 1; seq <= 1000; seq++) {
      try {
        await store.admit(meta(seq), frame, { sync: true });
        stored = seq;
      } catch (err) {
        failure = err;
        break;
      }
    }
    expect(failure).toMatchObject({ code: 'STORE_FULL' });
    expect(stored).toBeGreaterThan(0);
    for (let seq = 1; seq <= stored; seq++) {
      expect((await store.getFrame(`2107/${seq}`))?.length).toBe(2000);
    }
    expect((await store.due('mesh', Number.MAX_SAFE_INTEGER, 2000)).length).toBe(stored);
    await store.close().catch(() => {});
  });
});

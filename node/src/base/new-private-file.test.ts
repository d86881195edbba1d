/**
 * writeNewPrivateFile and syncDir (new-private-file.ts; docs/keys.md §File modes) on a real temp
 * directory: mode 0600, never a file replaced.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { syncDir, writeNewPrivateFile } from './new-private-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fn-newfile-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

it('writes bytes or text to a new file only its owner can read', async () => {
  const a = join(dir, 'a.bin');
  await writeNewPrivateFile(a, Uint8Array.of(0, 1, 255));
  expect([...(await readFile(a))]).toEqual([0, 1, 255]);
  expect((await stat(a)).mode & 0o777).toBe(0o600);
  const b = join(dir, 'b.txt');
  await writeNewPrivateFile(b, '山洪\n');
  expect(await readFile(b, 'utf8')).toBe('山洪\n');
  expect((await stat(b)).mode & 0o777).toBe(0o600);
});

it('never replaces a file that exists: EEXIST, and the file is as it was', async () => {
  const a = join(dir, 'a.txt');
  await writeFile(a, 'old', { mode: 0o644 });
  await expect(writeNewPrivateFile(a, 'new')).rejects.toMatchObject({ code: 'EEXIST' });
  expect(await readFile(a, 'utf8')).toBe('old');
});

it('syncs a directory that exists and rejects one that does not', async () => {
  await expect(syncDir(dir)).resolves.toBeUndefined();
  await expect(syncDir(join(dir, 'gone'))).rejects.toMatchObject({ code: 'ENOENT' });
});

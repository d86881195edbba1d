/** Tests for created-paths.ts: a failed start removes what it made, and only that. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { CreatedPaths } from './created-paths.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-made-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('removes what was made, newest first, and leaves what was there before', async () => {
  await writeFile(join(dir, 'kept.txt'), 'was here');
  const made = new CreatedPaths();
  await mkdir(join(dir, 'data'));
  made.dir(join(dir, 'data'));
  await mkdir(join(dir, 'data', 'store'));
  made.dir(join(dir, 'data', 'store'));
  await writeFile(join(dir, 'data', 'store', 'LOCK'), '');
  made.ownTree(join(dir, 'data', 'store'));
  await writeFile(join(dir, 'data', 'identity.json'), '{}');
  made.file(join(dir, 'data', 'identity.json'));
  const { log, lines } = recordingLogger();
  await made.undo(log);
  expect(await readdir(dir)).toEqual(['kept.txt']);
  expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
});

it('leaves a directory it made that holds files it did not make (a race with another start)', async () => {
  const made = new CreatedPaths();
  await mkdir(join(dir, 'store'));
  made.dir(join(dir, 'store'));
  await writeFile(join(dir, 'store', 'CURRENT'), 'the winner’s');
  await made.undo(recordingLogger().log);
  expect(await readdir(join(dir, 'store'))).toEqual(['CURRENT']);
});

it('is done once: a second undo removes nothing more', async () => {
  const made = new CreatedPaths();
  await writeFile(join(dir, 'a'), '');
  made.file(join(dir, 'a'));
  await made.undo(recordingLogger().log);
  await writeFile(join(dir, 'a'), 'someone else’s now');
  await made.undo(recordingLogger().log);
  expect(await readdir(dir)).toEqual(['a']);
});

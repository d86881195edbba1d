/**
 * Tests for seen-deliveries-file.ts (docs/centre-doors.md §Duplicates and restarts): the keys a
 * door took are written whole and atomically to a file only the daemon's user reads, read back by
 * the next run, and a file that makes no sense is reported and ignored.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../base/logger.js';
import { silentLogger } from '../base/logger.js';
import { SeenDeliveriesFile, seenDeliveriesPath } from './seen-deliveries-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-seen-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function errors(): Logger & { said: string[] } {
  const said: string[] = [];
  return { ...silentLogger, said, error: (_o: object | string, msg?: string) => said.push(String(msg)) };
}

describe('SeenDeliveriesFile', () => {
  it('saves whole, mode 0600, leaves no temporary file, and the next run reads it back', async () => {
    const path = seenDeliveriesPath(dir, 'rb0');
    expect(path).toBe(join(dir, 'seen-deliveries-rb0.json'));
    const file = new SeenDeliveriesFile(path, silentLogger);
    expect(await file.load()).toEqual([]); // none yet: not an error
    await file.save([
      ['300434060000010|12|26-07-13 19:20:05', 1_784_000_000_000],
      ['300434060000010|13|26-07-13 19:30:05', 1_784_000_600_000],
    ]);
    await file.save([['300434060000010|14|26-07-13 19:40:05', 1_784_001_200_000]]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['seen-deliveries-rb0.json']);
    expect(await new SeenDeliveriesFile(path, silentLogger).load()).toEqual([
      ['300434060000010|14|26-07-13 19:40:05', 1_784_001_200_000],
    ]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ v: 1 });
  });

  it('reports a file that makes no sense, once, and starts without it', async () => {
    const path = seenDeliveriesPath(dir, 'rb0');
    for (const text of [
      '{"v":1,"seen":[["a"]]}',
      'null',
      '{"v":2,"seen":[]}',
      '{"v":1,"seen":[["a","b"]]}',
      '{"v":1,',
    ]) {
      await writeFile(path, text);
      const log = errors();
      expect(await new SeenDeliveriesFile(path, log).load()).toEqual([]);
      expect(log.said).toEqual(['the file of deliveries already taken makes no sense; starting without it']);
    }
  });

  it('throws what the file system throws on save, for the adapter to report', async () => {
    const file = new SeenDeliveriesFile(join(dir, 'missing', 'seen.json'), silentLogger);
    await expect(file.save([])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

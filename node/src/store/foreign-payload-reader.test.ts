import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { ForeignPayloadFile, type ForeignPayloadRecord } from './foreign-payload-file.js';
import { readForeignPayloadFile } from './foreign-payload-reader.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-foreign-read-'));
  path = join(dir, 'foreign-payloads.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (n: number, extra: Partial<ForeignPayloadRecord> = {}): ForeignPayloadRecord => ({
  link: 'rockblock0',
  from: '300434060000001',
  source: { carrier: 'rockblock', momsn: n },
  hex: Buffer.from(`hello ${n}`).toString('hex'),
  reason: 'unknown-sender',
  detail: 'no key here checks it',
  receivedAt: 1_700_000_000_000 + n,
  ...extra,
});
const line = (r: unknown) => `${JSON.stringify(r)}\n`;

describe('readForeignPayloadFile', () => {
  it('reads back what ForeignPayloadFile wrote, numbered by line from 1', async () => {
    const file = new ForeignPayloadFile({ path, log: silentLogger });
    for (const n of [1, 2, 3]) await file.append(record(n));
    await file.close();
    expect(await readForeignPayloadFile(path)).toEqual({
      entries: [1, 2, 3].map((n) => ({ n, record: record(n) })),
      unreadable: [],
      missing: false,
    });
  });

  it('a missing file is nothing kept, not an error', async () => {
    expect(await readForeignPayloadFile(path)).toEqual({ entries: [], unreadable: [], missing: true });
  });

  it('counts a torn last line, and lines that are not records, by their numbers', async () => {
    const { from: _from, source: _source, ...bare } = record(4);
    const torn = line(record(5)).slice(0, 40);
    await writeFile(
      path,
      line(record(1)) +
        line({ ...record(2), hex: 'abc' }) + // odd hex
        line([1, 2]) +
        line(bare) +
        line({ ...record(3), receivedAt: 'yesterday' }) +
        torn,
    );
    const listing = await readForeignPayloadFile(path);
    expect(listing.entries).toEqual([
      { n: 1, record: record(1) },
      { n: 4, record: bare },
    ]);
    expect(listing.unreadable).toEqual([2, 3, 5, 6]);
  });

  it('finds the whole record the daemon appended after a torn line, and numbers the next lines on', async () => {
    const torn = line(record(1)).slice(0, 70); // cut inside the source object
    expect(torn).toContain('"source":{');
    await writeFile(path, torn + line(record(2)) + line(record(3)));
    expect(await readForeignPayloadFile(path)).toEqual({
      entries: [
        { n: 1, record: record(2), afterTear: true },
        { n: 2, record: record(3) },
      ],
      unreadable: [1],
      missing: false,
    });
  });

  it('throws a read it cannot make for the caller to word', async () => {
    await mkdir(path); // readable by anyone, root included, and not a file
    await expect(readForeignPayloadFile(path)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

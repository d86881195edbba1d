import { mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../base/logger.js';
import { DeliveriesJournal, type DeliveryRecord } from './deliveries-journal.js';
import { parseDeliveriesJournal, readDeliveriesJournal } from './deliveries-journal-reader.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-journal-'));
  dirs.push(dir);
  return dir;
}

const record = (n: number, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  id: `2107/${n}`,
  kind: 'report',
  at: 1_700_000_000_000 + n,
  ...extra,
});

describe('DeliveriesJournal', () => {
  it('appends one line per delivery, in order, in a file only its owner can read', async () => {
    const path = join(await tempDir(), 'deliveries.jsonl');
    const journal = new DeliveriesJournal({ path, log: silentLogger });
    // Appended all at once: they go out together, still in order and each whole.
    await Promise.all([1, 2, 3, 4, 5].map((n) => journal.append(record(n))));
    await journal.append(record(6, { kind: 'warning', history: 'a newer one is current' }));
    await journal.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const listing = await readDeliveriesJournal(path);
    expect(listing.records).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => record(n)),
      record(6, { kind: 'warning', history: 'a newer one is current' }),
    ]);
    expect(listing.unreadable).toEqual([]);

    // A restart appends after what is there.
    const again = new DeliveriesJournal({ path, log: silentLogger });
    await again.append(record(7));
    await again.close();
    expect((await readDeliveriesJournal(path)).records.map((r) => r.id).at(-1)).toBe('2107/7');
  });

  it('resolves append() only once the line is in the file', async () => {
    const path = join(await tempDir(), 'deliveries.jsonl');
    const journal = new DeliveriesJournal({ path, log: silentLogger });
    for (let n = 1; n <= 3; n++) {
      await journal.append(record(n));
      // Read by someone else, before close(): the line is there already.
      expect((await readDeliveriesJournal(path)).records).toHaveLength(n);
    }
    await journal.close();
  });

  it('starts a new line after a line a crash tore, so the next record reads whole', async () => {
    const path = join(await tempDir(), 'deliveries.jsonl');
    const whole = `${JSON.stringify(record(1))}\n`;
    await writeFile(path, `${whole}${JSON.stringify(record(2)).slice(0, 17)}`, { mode: 0o600 });
    const journal = new DeliveriesJournal({ path, log: silentLogger });
    await journal.append(record(3));
    await journal.close();
    const listing = await readDeliveriesJournal(path);
    expect(listing.records).toEqual([record(1), record(3)]);
    expect(listing.unreadable).toEqual([2]);
  });

  it('never throws when it cannot write: says so once, and once more when it can again', async () => {
    const dir = await tempDir();
    const path = join(dir, 'not-yet', 'deliveries.jsonl');
    const said: string[] = [];
    const log: Logger = {
      ...silentLogger,
      error: (_o, msg) => said.push(`error: ${msg}`),
      info: (o, msg) => said.push(`info: ${msg} ${JSON.stringify(o)}`),
    };
    const journal = new DeliveriesJournal({ path, log });
    await journal.append(record(1));
    await journal.append(record(2));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^error: the deliveries journal cannot be written/);
    await mkdir(join(dir, 'not-yet'));
    await journal.append(record(3));
    await journal.close();
    expect(said).toHaveLength(2);
    expect(said[1]).toMatch(/^info: the deliveries journal is written again.*"lost":2/);
    expect((await readDeliveriesJournal(path)).records).toEqual([record(3)]);
  });

  it('keeps every record written after a crash cut the file anywhere (property)', async () => {
    const dir = await tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (before, after, cutAt) => {
          const path = join(dir, `j${run++}.jsonl`);
          const first = new DeliveriesJournal({ path, log: silentLogger });
          for (const n of before) await first.append(record(n));
          await first.close();
          const size = (await stat(path)).size;
          const cut = Math.floor(cutAt * size);
          await truncate(path, cut);
          const second = new DeliveriesJournal({ path, log: silentLogger });
          for (const n of after) await second.append(record(n));
          await second.close();

          const listing = await readDeliveriesJournal(path);
          const text = await readFile(path, 'utf8');
          // What the cut left whole (a cut just before a newline leaves its record whole), then
          // everything written after it; at most one torn line.
          const kept = text.slice(0, cut);
          const wholeBefore = kept.split('\n').length - 1 + (kept.endsWith('}') ? 1 : 0);
          expect(listing.records).toEqual([
            ...before.slice(0, wholeBefore).map((n) => record(n)),
            ...after.map((n) => record(n)),
          ]);
          expect(listing.unreadable.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('parseDeliveriesJournal', () => {
  it('names every id on more than one line, and counts lines that are not records', () => {
    const lines = [record(1), record(2), record(1), record(3), record(1)].map((r) => JSON.stringify(r));
    const text = [...lines, '{"id":"2107/9","kind":"report"}', '[1,2]', 'null', '{"id":'].join('\n');
    const parsed = parseDeliveriesJournal(text);
    expect(parsed.records.map((r) => r.id)).toEqual(['2107/1', '2107/2', '2107/1', '2107/3', '2107/1']);
    expect([...parsed.twice]).toEqual([['2107/1', 3]]);
    expect(parsed.unreadable).toEqual([6, 7, 8, 9]);
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const parsed = parseDeliveriesJournal(text);
        expect(parsed.records.length + parsed.unreadable.length).toBeLessThanOrEqual(text.split('\n').length);
      }),
    );
  });

  it('reads a missing file as empty', async () => {
    const listing = await readDeliveriesJournal(join(await tempDir(), 'none.jsonl'));
    expect(listing).toEqual({ records: [], unreadable: [], twice: new Map(), missing: true });
  });
});

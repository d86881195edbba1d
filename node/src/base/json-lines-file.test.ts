import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { JsonLinesFile, parseJsonLines } from './json-lines-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fn-jsonl-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

it('keeps records across a reopen, in order, in a file only its owner can read', async () => {
  const path = join(dir, 'j.jsonl');
  const { file, reading } = await JsonLinesFile.open<{ n: number }>(path);
  expect(reading).toEqual({ records: [], unreadable: [] });
  await Promise.all([1, 2, 3].map((n) => file.append({ n })));
  await file.close();
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  const again = await JsonLinesFile.open<{ n: number }>(path);
  expect(again.reading.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await again.file.close();
});

it('skips a torn last line and writes the next record on a line of its own', async () => {
  const path = join(dir, 'j.jsonl');
  await writeFile(path, '{"n":1}\n{"n":2', { mode: 0o600 });
  const { file, reading } = await JsonLinesFile.open<{ n: number }>(path);
  expect(reading).toEqual({ records: [{ n: 1 }], unreadable: [2] });
  await file.append({ n: 3 });
  await file.close();
  expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2\n{"n":3}\n');
  const again = await JsonLinesFile.open<{ n: number }>(path);
  expect(again.reading.records).toEqual([{ n: 1 }, { n: 3 }]);
  await again.file.close();
});

it('rejects an append it could not write, and writes again once it can', async () => {
  const sub = join(dir, 'gone');
  const path = join(sub, 'j.jsonl');
  const { file } = await JsonLinesFile.open<{ n: number }>(path);
  await expect(file.append({ n: 1 })).rejects.toThrow(/ENOENT/);
  await import('node:fs/promises').then((fs) => fs.mkdir(sub));
  await file.append({ n: 2 });
  await file.close();
  await appendFile(path, '');
  expect((await JsonLinesFile.open<{ n: number }>(path)).reading.records).toEqual([{ n: 2 }]);
});

it('reads any text without throwing, and every whole line it wrote back', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      const { records, unreadable } = parseJsonLines(text);
      expect(records.length + unreadable.length).toBeLessThanOrEqual(text.split('\n').length);
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.jsonValue()), (values) => {
      const text = values.map((v) => `${JSON.stringify(v)}\n`).join('');
      expect(parseJsonLines(text).records).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
    }),
  );
});

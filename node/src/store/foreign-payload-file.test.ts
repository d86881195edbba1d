import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../base/logger.js';
import { silentLogger } from '../base/logger.js';
import { ForeignPayloadFile, type ForeignPayloadRecord } from './foreign-payload-file.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-foreign-'));
  dirs.push(dir);
  return join(dir, 'foreign-payloads.jsonl');
}

const record = (n: number): ForeignPayloadRecord => ({
  link: 'rockblock0',
  from: '300434060000001',
  source: { carrier: 'rockblock', momsn: n },
  hex: Buffer.from(`hello ${n}`).toString('hex'),
  reason: 'malformed',
  detail: 'not CBOR',
  receivedAt: 1_700_000_000_000 + n,
});

describe('ForeignPayloadFile', () => {
  it('appends one JSON line per payload, in order, in a file only its owner can read', async () => {
    const path = await tempFile();
    const file = new ForeignPayloadFile({ path, log: silentLogger });
    await Promise.all([file.append(record(1)), file.append(record(2)), file.append(record(3))]);
    await file.close();
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([record(1), record(2), record(3)]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    // A restart appends after what is there.
    const again = new ForeignPayloadFile({ path, log: silentLogger });
    await again.append(record(4));
    await again.close();
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(4);
  });

  it('stops at its size limit, says so once, and counts what it left out', async () => {
    const path = await tempFile();
    const errors: string[] = [];
    const log: Logger = {
      ...silentLogger,
      error: (_o: object | string, msg?: string) => errors.push(String(msg)),
    };
    const oneLine = JSON.stringify(record(1)).length + 1;
    const file = new ForeignPayloadFile({ path, log, maxBytes: oneLine * 2 + 5 });
    const written: boolean[] = [];
    for (let n = 1; n <= 5; n++) written.push(await file.append(record(n)));
    await file.close();
    expect(written).toEqual([true, true, false, false, false]);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(file.dropped).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it('logs a write it cannot make instead of throwing', async () => {
    const errors: string[] = [];
    const log: Logger = {
      ...silentLogger,
      error: (_o: object | string, msg?: string) => errors.push(String(msg)),
    };
    const file = new ForeignPayloadFile({ path: join(tmpdir(), 'no-such-dir-fieldnode', 'x.jsonl'), log });
    await expect(file.append(record(1))).resolves.toBe(false);
    expect(errors).toEqual(['a foreign payload could not be written']);
  });
});

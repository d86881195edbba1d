/**
 * Tests for kept-payloads.ts (docs/centre-doors.md §What the doors keep): the status's count and
 * latest few are what the file holds, numbered as `fieldnode foreign list` numbers them, across a
 * restart and a line torn by a power cut; a record the file has no room for is counted as not
 * written.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import type { ForeignPayloadRecord } from '../store/foreign-payload-file.js';
import { readForeignPayloadFile } from '../store/foreign-payload-reader.js';
import { KeptPayloads, keptStatus } from './kept-payloads.js';

let path: string;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-kept-'));
  path = join(dir, 'foreign-payloads.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (n: number, reason = 'text'): ForeignPayloadRecord => ({
  link: 'rb0',
  from: '300434060000001',
  source: {
    carrier: 'rockblock',
    momsn: n,
    latitude: 1.5,
    longitude: 2.5,
    cepKm: 3,
    serial: '9',
    claims: {},
  },
  hex: 'ab'.repeat(n),
  reason,
  detail: 'not CBOR',
  receivedAt: 1_784_000_000_000 + n,
});

describe('KeptPayloads', () => {
  it('counts what an earlier run kept, and numbers new records as `foreign list` does, after a torn line too', async () => {
    const first = new KeptPayloads({ path, log: silentLogger, latest: 2 });
    await first.load();
    expect(first.summary()).toMatchObject({ count: 0, latest: [] });
    for (const n of [1, 2, 3]) await first.append(record(n, n === 2 ? 'unexpected-claims' : 'text'));
    await first.close();
    await appendFile(path, '{"link":"rb0","hex":"'); // a power cut in the middle of a line

    const again = new KeptPayloads({ path, log: silentLogger, latest: 2 });
    await again.load();
    expect(again.summary()).toMatchObject({ count: 3, byReason: { text: 2, 'unexpected-claims': 1 } });
    expect(again.summary().latest.map((e) => e.n)).toEqual([2, 3]);
    await again.append(record(5));
    await again.append(record(6));
    await again.close();
    const listed = await readForeignPayloadFile(path);
    expect(listed.entries.map((e) => [e.n, e.record.source?.momsn])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 5], // the record written after the tear, on the torn line
      [5, 6],
    ]);
    expect(again.summary().latest.map((e) => [e.n, e.record.source?.momsn])).toEqual([
      [4, 5],
      [5, 6],
    ]);
    expect(again.summary().count).toBe(5);
  });

  it('counts a record the file had no room for as not written', async () => {
    const kept = new KeptPayloads({ path, log: silentLogger, maxBytes: 400 });
    await kept.append(record(1));
    await kept.append(record(100));
    await kept.close();
    expect(kept.summary()).toMatchObject({ count: 1, notWritten: 1 });
  });

  it('gives the status each record’s size and what the carrier said, not its bytes', async () => {
    const kept = new KeptPayloads({ path, log: silentLogger });
    await kept.append(record(3));
    await kept.close();
    expect(keptStatus(kept.summary()).latest).toEqual([
      {
        n: 1,
        link: 'rb0',
        from: '300434060000001',
        reason: 'text',
        detail: 'not CBOR',
        receivedAt: 1_784_000_000_003,
        bytes: 3,
        source: { carrier: 'rockblock', momsn: 3, latitude: 1.5, longitude: 2.5, cepKm: 3 },
      },
    ]);
  });
});

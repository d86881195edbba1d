/**
 * The request book on disk (request-book.ts, request-journal.ts; docs/requests.md §The book on
 * disk): what was recorded, an SOS's priority and a refusal as decided, all read back after a
 * restart; a damaged line skipped and the rest kept.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { Q1, Q2, Q3 } from '../../wire/fixtures/request-messages.js';
import { requestAcceptance } from './request-acceptance.js';
import { RequestBook } from './request-book.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-request-book-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () =>
  RequestBook.open({
    file: join(dir, 'requests.jsonl'),
    kitArea: () => 430121101201,
    accepts: requestAcceptance({ centreNodes: [1] }),
    now: () => 1_800_000_000_000,
    log: silentLogger,
  });

describe('the request book', () => {
  it('reads back after a restart what it recorded, SOS and refusals as decided', async () => {
    const book = await open();
    await book.record(Q1, { local: false });
    await book.record(Q2, { local: false });
    await book.record(Q3, { local: false });
    // Kit 2107 may not commit to its own request.
    const forged = { ...Q2, origin: Q1.origin, seq: 400 };
    await book.record(forged, { local: false });
    expect((await book.record(Q2, { local: false })).added).toBe(false);
    const before = book.list();
    await book.close();

    const again = await open();
    expect(again.list()).toEqual(before);
    expect(again.get('2107/330')).toMatchObject({
      status: 'committed',
      committed: [{ item: 1, quantity: 30 }],
    });
    expect(again.get('2107/331')?.sos).toBe(true);
    expect(again.get('2107/330')?.steps.find((s) => s.id === '2107/400')?.refused).toContain('may not');
    await again.close();
  });

  it('skips a damaged line and keeps the rest', async () => {
    const book = await open();
    await book.record(Q1, { local: true });
    await book.close();
    await appendFile(join(dir, 'requests.jsonl'), '{"t":"message","at":1,"frame":"54ff"}\nnot json\n');
    const again = await open();
    expect(again.list().map((r) => r.id)).toEqual(['2107/330']);
    await again.close();
  });
});

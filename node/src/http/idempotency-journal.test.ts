import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { IDEMPOTENCY_TTL_MS, Idempotency } from './idempotency.js';
import { IdempotencyJournal } from './idempotency-journal.js';

let dir: string;
let path: string;
const key = Buffer.alloc(32, 7);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-idem-'));
  path = join(dir, 'api-idempotency.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function open(now: () => number, max?: number) {
  const store = new Idempotency({
    key,
    now,
    journal: new IdempotencyJournal(path, silentLogger),
    ...(max ? { max } : {}),
  });
  await store.open();
  return store;
}

describe('durable idempotency records', () => {
  it('keep a finished reply and a pending mark across a reopen, in a file only the owner reads', async () => {
    let now = 1_000;
    const a = await open(() => now);
    const fp = a.fingerprint('POST /api/reports', { stage: 'initial' });
    const done = a.claim('report:1', 'key-aaaaaaaa', fp);
    if (done.kind !== 'go') throw new Error(done.kind);
    await a.pending(done.ticket, { seq: 10 });
    await a.finish(done.ticket, { status: 201, body: { id: '2107/11' } });
    const cut = a.claim('report:1', 'key-bbbbbbbb', fp);
    if (cut.kind !== 'go') throw new Error(cut.kind);
    await a.pending(cut.ticket, { seq: 11 });
    await a.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    now += 1000;
    const b = await open(() => now);
    expect(b.claim('report:1', 'key-aaaaaaaa', fp)).toEqual({
      kind: 'replay',
      response: { status: 201, body: { id: '2107/11' } },
    });
    expect(b.claim('report:1', 'key-bbbbbbbb', fp)).toMatchObject({ kind: 'go', earlier: { seq: 11 } });
    expect(
      b.claim('report:1', 'key-aaaaaaaa', b.fingerprint('POST /api/reports', { stage: 'update' })).kind,
    ).toBe('conflict');
    await b.close();
  });

  it('drop a torn last line and records older than 24 hours', async () => {
    let now = 1_000;
    const a = await open(() => now);
    const c = a.claim('s', 'key-cccccccc', 'f');
    if (c.kind !== 'go') throw new Error(c.kind);
    await a.finish(c.ticket, { status: 200, body: null });
    await a.close();
    await appendFile(path, '{"k":"torn');
    const b = await open(() => now);
    expect(b.size).toBe(1);
    expect(await readFile(path, 'utf8')).not.toContain('torn');
    await b.close();
    now += IDEMPOTENCY_TTL_MS + 1;
    const c2 = await open(() => now);
    expect(c2.size).toBe(0);
    expect(c2.claim('s', 'key-cccccccc', 'other').kind).toBe('go');
    await c2.close();
  });

  it('stay within their bound, and the file near the size of what is kept', async () => {
    const a = await open(() => 1_000, 50);
    for (let i = 0; i < 400; i++) {
      const c = a.claim('s', `key-${String(i).padStart(8, '0')}`, 'f');
      if (c.kind !== 'go') throw new Error(c.kind);
      await a.finish(c.ticket, { status: 200, body: { i } });
    }
    expect(a.size).toBe(50);
    const lines = (await readFile(path, 'utf8')).trim().split('\n').length;
    expect(lines).toBeLessThanOrEqual(2 * 50 + 100);
    // the newest are kept, the oldest gone
    expect(a.claim('s', 'key-00000399', 'f').kind).toBe('replay');
    expect(a.claim('s', 'key-00000000', 'f').kind).toBe('go');
    await a.close();
  });
});

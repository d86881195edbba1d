import { appendFile, type FileHandle, mkdtemp, open as openFile, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { IDEMPOTENCY_TTL_MS, Idempotency, type Ticket } from './idempotency.js';
import { IdempotencyJournal } from './idempotency-journal.js';

let dir: string;
let path: string;
const key = Buffer.alloc(32, 7);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-idem-'));
  path = join(dir, 'api-idempotency.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function open(
  now: () => number,
  max?: number,
  watch?: (path: string, flags: string, mode?: number) => Promise<FileHandle>,
) {
  const store = new Idempotency({
    key,
    now,
    journal: new IdempotencyJournal(path, silentLogger, watch ? { open: watch } : {}),
    ...(max ? { max } : {}),
  });
  await store.open();
  return store;
}

/**
 * Opens files as the journal would, recording each write (the keys of the records in it, `p` for
 * a pending record, `d` for a done one) and each sync of the journal; `failWrite` fails a write.
 */
function watchedOpen(events: string[], o: { syncMs?: number; failWrite?: () => boolean } = {}) {
  return async (p: string, flags: string, mode?: number): Promise<FileHandle> => {
    const handle = await openFile(p, flags, mode);
    if (flags !== 'a') return handle;
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'write')
          return async (data: string) => {
            if (o.failWrite?.())
              throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
            const keys = data
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => JSON.parse(l) as { k: string; r?: unknown })
              .map((r) => `${r.r === undefined ? 'p' : 'd'}:${r.k}`);
            events.push(`write ${keys.join(',')}`);
            return target.write(data);
          };
        if (prop === 'datasync')
          return async () => {
            events.push('sync-start');
            if (o.syncMs) await new Promise((r) => setTimeout(r, o.syncMs));
            await target.datasync();
            events.push('sync-end');
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
}

/** Claims `n` keys, as `n` filings arriving together would. */
function claims(store: Idempotency, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const c = store.claim('report:1', `key-${String(i).padStart(8, '0')}`, `f${i}`);
    if (c.kind !== 'go') throw new Error(c.kind);
    return c.ticket;
  });
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

  it('answer a write with a pending mark without waiting for its done line to be synced; one without a mark waits', async () => {
    const events: string[] = [];
    const store = await open(() => 1_000, undefined, watchedOpen(events, { syncMs: 50 }));
    const [marked, bare] = claims(store, 2) as [Ticket, Ticket];
    await store.pending(marked, { seq: 1 });
    events.length = 0;
    await store.finish(marked, { status: 201, body: {} });
    // Replied before its line was even synced (a retry after a crash resumes from the mark)…
    expect(events.includes('sync-end')).toBe(false);
    expect(store.claim('report:1', 'key-00000000', 'f0')).toMatchObject({ kind: 'replay' });
    events.length = 0;
    await store.finish(bare, { status: 201, body: {} });
    // …but a reply with no mark behind it is kept on disk first.
    expect(events.at(-1)).toBe('sync-end');
    await store.close();
    const again = await open(() => 2_000);
    expect(again.claim('report:1', 'key-00000000', 'f0')).toMatchObject({ kind: 'replay' });
    await again.close();
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

  it('share syncs among records kept together, each resolving only after a sync begun after its line was written', async () => {
    const events: string[] = [];
    const store = await open(() => 1_000, undefined, watchedOpen(events, { syncMs: 5 }));
    const tickets = claims(store, 40);
    // The filings arrive in four waves, some while the journal syncs.
    const kept: Array<Promise<unknown>> = [];
    for (const [i, t] of tickets.entries()) {
      kept.push(
        store
          .pending(t, { seq: i })
          .then(() => {
            events.push(`resolved p:${t.hash}`);
            return store.finish(t, { status: 201, body: { i } });
          })
          .then(() => events.push(`resolved d:${t.hash}`)),
      );
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(kept);
    await store.close();
    for (const t of tickets)
      for (const kind of ['p', 'd']) {
        const line = `${kind}:${t.hash}`;
        const written = events.findIndex(
          (e) => e.startsWith('write ') && e.slice(6).split(',').includes(line),
        );
        const syncEnd = events.indexOf('sync-end', events.indexOf('sync-start', written));
        expect(written, `${line} written`).toBeGreaterThanOrEqual(0);
        expect(syncEnd, `${line} never synced`).toBeGreaterThan(written);
        // A pending record resolves only once synced; a done one behind a pending mark need not.
        if (kind === 'p')
          expect(syncEnd, `${line} resolved before a sync after its write completed`).toBeLessThan(
            events.indexOf(`resolved ${line}`),
          );
      }
    const syncs = events.filter((e) => e === 'sync-end').length;
    expect(syncs).toBe(events.filter((e) => e.startsWith('write ')).length);
    // One sync per record would be 80.
    expect(syncs).toBeLessThan(80 / 4);
  });

  it('fail the records of a write that fails, keep the ones before, and go on after it', async () => {
    const events: string[] = [];
    let fail = false;
    const store = await open(() => 1_000, undefined, watchedOpen(events, { failWrite: () => fail }));
    const [a, b, c] = claims(store, 3) as [Ticket, Ticket, Ticket];
    await store.finish(a, { status: 201, body: 'a' });
    await store.pending(b, { seq: 7 });
    fail = true;
    // Behind its pending mark, b's reply does not wait for its done line, which the disk refuses.
    await store.finish(b, { status: 201, body: 'b' });
    await new Promise((r) => setTimeout(r, 20));
    fail = false;
    // b's pending record stands, in memory as in the file: a retry looks for what it made.
    expect(store.claim('report:1', 'key-00000001', 'f1')).toMatchObject({ kind: 'go', earlier: { seq: 7 } });
    await store.finish(c, { status: 201, body: 'c' });
    await store.close();
    const again = await open(() => 1_000);
    expect(again.claim('report:1', 'key-00000000', 'f0')).toMatchObject({ kind: 'replay' });
    expect(again.claim('report:1', 'key-00000001', 'f1')).toMatchObject({ kind: 'go', earlier: { seq: 7 } });
    expect(again.claim('report:1', 'key-00000002', 'f2')).toMatchObject({ kind: 'replay' });
    await again.close();
  });

  it('compact with every record kept before the compaction took its turn, pending ones too', async () => {
    const store = await open(() => 1_000, 10);
    const tickets = claims(store, 122);
    // 120 lines: one more and the journal holds more than twice what is live (10) plus 100.
    for (const t of tickets.slice(0, 120)) await store.finish(t, { status: 201, body: 'x' });
    const [x, p] = tickets.slice(120) as [Ticket, Ticket];
    // x's line brings the compaction due while p's pending line waits behind it to be written.
    await Promise.all([store.finish(x, { status: 201, body: 'x' }), store.pending(p, { seq: 121 })]);
    await store.close();
    expect((await readFile(path, 'utf8')).trim().split('\n').length).toBeLessThanOrEqual(12);
    const again = await open(() => 1_000, 10);
    expect(again.claim('report:1', 'key-00000120', 'f120').kind).toBe('replay');
    expect(again.claim('report:1', 'key-00000121', 'f121')).toMatchObject({
      kind: 'go',
      earlier: { seq: 121 },
    });
    await again.close();
  });
  it('goes on appending while a compaction writes its file, and keeps what was appended meanwhile', async () => {
    // The compaction's sync is held until the test lets it go: a slow disk under another writer.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let begun = () => {};
    const compacting = new Promise<void>((r) => (begun = r));
    let opened = 0;
    const store = await open(
      () => 1_000,
      10,
      async (p, flags, mode) => {
        const handle = await openFile(p, flags, mode);
        // The first file written whole is open()'s own rewrite; the next is the compaction's.
        if (flags !== 'w' || opened++ === 0) return handle;
        return new Proxy(handle, {
          get(target, prop) {
            if (prop === 'sync')
              return async () => {
                begun();
                await held;
                return target.sync();
              };
            const v = Reflect.get(target, prop);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
      },
    );
    const tickets = claims(store, 123);
    for (const t of tickets.slice(0, 121)) await store.finish(t, { status: 201, body: 'x' });
    await compacting;
    const [p, q] = tickets.slice(121) as [Ticket, Ticket];
    const written = store.pending(p, { seq: 121 }).then(() => 'written');
    const wait = new Promise<string>((r) => setTimeout(() => r('held behind the compaction'), 2000));
    try {
      expect(await Promise.race([written, wait])).toBe('written');
    } finally {
      release();
    }
    await store.finish(q, { status: 201, body: 'q' });
    await store.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(13); // the 10 kept, then what came during the compaction
    const again = await open(() => 1_000, 10);
    expect(again.claim('report:1', 'key-00000120', 'f120').kind).toBe('replay');
    expect(again.claim('report:1', 'key-00000121', 'f121')).toMatchObject({
      kind: 'go',
      earlier: { seq: 121 },
    });
    expect(again.claim('report:1', 'key-00000122', 'f122').kind).toBe('replay');
    await again.close();
  });
});

describe('the journal alone', () => {
  it('writes an append made as open() resolves, with nothing appended after it', async () => {
    const journal = new IdempotencyJournal(path, silentLogger);
    await journal.open(() => true);
    // Asked while the writer was ending its turn: a writer that had already looked at its queue
    // would leave it there until some later append came, and this one would never resolve.
    const written = journal.append(JSON.stringify({ k: 'only', f: 'f', t: 1_000 })).then(() => 'written');
    const never = new Promise<string>((r) => setTimeout(() => r('left in the queue'), 5_000));
    expect(await Promise.race([written, never])).toBe('written');
    await journal.close();
    expect(await readFile(path, 'utf8')).toContain('"k":"only"');
  });

  it('joins a compaction asked for while one is under way, and leaves one whole file', async () => {
    const journal = new IdempotencyJournal(path, silentLogger);
    await journal.open(() => true);
    const line = (k: string) => JSON.stringify({ k, f: 'f', t: 1_000 });
    for (let i = 0; i < 20; i++) await journal.append(line(`a${i}`));
    let asked = 0;
    const first = journal.compact(() => {
      asked++;
      return [line('kept-1')];
    });
    const second = journal.compact(() => {
      asked++;
      return [line('kept-2')];
    });
    await Promise.all([first, second]);
    await journal.append(line('after'));
    await journal.close();
    // One compaction ran: a second in its place would have left the first unfinished, both
    // writing the same temporary file.
    expect(asked).toBe(1);
    const keys = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { k: string }).k);
    expect(keys).toEqual(['kept-1', 'after']);
  });
});

/**
 * The audit log on real files in a temp dir: appends numbered and chained in order, batched into
 * shared syncs, each resolving only after the sync that covers it; a torn last line cut off at
 * open and recorded; a corrupt end refused; a failed write failing everything after it.
 */
import { type FileHandle, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { recordingLogger } from '../../../test/recording-logger.js';
import { silentLogger } from '../../base/logger.js';
import type { AuditAction } from './audit-actions.js';
import type { AuditEntry } from './audit-entry.js';
import { AuditLog, type AuditLogOptions } from './audit-log.js';
import { verifyAuditLog } from './audit-verify.js';

const T0 = 1_784_000_000_000;
// Any registered action will do for the log itself; this one is the log's own.
const ACTION: AuditAction = 'audit.torn-tail-dropped';
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-audit-'));
  dirs.push(dir);
  return join(dir, 'audit.jsonl');
}

function openLog(path: string, extra: Partial<AuditLogOptions> = {}): Promise<AuditLog> {
  let t = T0;
  return AuditLog.open({ path, nodeId: 2107, log: silentLogger, now: () => t++, ...extra });
}

const draft = (n: number) => ({
  actor: n % 7 === 0 ? ('system' as const) : n,
  action: ACTION,
  subject: `2107/${n}`,
});

async function lines(path: string): Promise<AuditEntry[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
}

/** Opens files as the log would, recording each write (the sequences in it) and each sync. */
function watchedOpen(events: string[], o: { syncMs?: number; failWrite?: () => boolean } = {}) {
  return async (path: string, flags: string, mode: number): Promise<FileHandle> => {
    const handle = await open(path, flags, mode);
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'appendFile')
          return async (data: string, encoding: BufferEncoding) => {
            if (o.failWrite?.())
              throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
            const seqs = data
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => (JSON.parse(l) as AuditEntry).seq);
            events.push(`write ${seqs.join(',')}`);
            await target.appendFile(data, encoding);
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

describe('AuditLog', () => {
  it('appends entries numbered and chained, one line each, in a file only its owner can read', async () => {
    const path = await tempFile();
    const first = await openLog(path);
    const a = await first.append({
      actor: 17,
      action: ACTION,
      subject: 'person:17',
      details: { why: '测试' },
    });
    const b = await first.append({ actor: 'system', action: ACTION });
    await first.close();
    expect(a).toMatchObject({
      seq: 1,
      node: 2107,
      actor: 17,
      at: T0,
      subject: 'person:17',
      details: { why: '测试' },
    });
    expect(b).toMatchObject({ seq: 2, prev: a.hash, actor: 'system' });
    expect(await lines(path)).toEqual([a, b]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    // A restart goes on after the last entry.
    const again = await openLog(path);
    expect(again.head).toEqual({ seq: 2, hash: b.hash });
    expect(again.torn).toBeUndefined();
    const c = await again.append(draft(3));
    await again.close();
    expect(c).toMatchObject({ seq: 3, prev: b.hash });
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, entries: 3 });
  });

  it('lands appends made together in the order made, chained, sharing syncs', async () => {
    const path = await tempFile();
    const log = await openLog(path, { open: watchedOpen([], { syncMs: 10 }) });
    const appended: Array<Promise<AuditEntry>> = [];
    for (let n = 1; n <= 200; n++) {
      appended.push(log.append(draft(n)));
      if (n % 20 === 0) await new Promise((r) => setTimeout(r, 3)); // some arrive while a sync runs
    }
    const entries = await Promise.all(appended);
    await log.close();
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.map((e) => e.subject)).toEqual(entries.map((_, i) => `2107/${i + 1}`));
    expect(await lines(path)).toEqual(entries);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, entries: 200 });
    expect(log.syncs.completed).toBeLessThan(200 / 5);
    expect(log.syncs).toEqual({ started: log.syncs.completed, completed: log.syncs.completed });
  });

  it('resolves each append only after a sync begun after its line was written has completed', async () => {
    const path = await tempFile();
    const events: string[] = [];
    const log = await openLog(path, { open: watchedOpen(events, { syncMs: 5 }) });
    const appended: Array<Promise<unknown>> = [];
    for (let n = 1; n <= 30; n++) {
      appended.push(log.append(draft(n)).then((e) => events.push(`resolved ${e.seq}`)));
      if (n % 4 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(appended);
    await log.close();
    for (let seq = 1; seq <= 30; seq++) {
      const written = events.findIndex(
        (e) => e.startsWith('write ') && e.slice(6).split(',').includes(String(seq)),
      );
      const resolved = events.indexOf(`resolved ${seq}`);
      const syncStart = events.indexOf('sync-start', written);
      const syncEnd = events.indexOf('sync-end', syncStart);
      expect(written, `entry ${seq} written`).toBeGreaterThanOrEqual(0);
      expect(syncStart, `a sync after entry ${seq} was written`).toBeGreaterThan(written);
      expect(syncEnd, `entry ${seq} resolved before its sync completed`).toBeLessThan(resolved);
    }
    const writes = events.filter((e) => e.startsWith('write ')).length;
    expect(events.filter((e) => e === 'sync-end')).toHaveLength(writes);
    expect(writes).toBeLessThan(30);
  });

  it('cuts off a torn last line at open, records the cut, and goes on after the last whole entry', async () => {
    const path = await tempFile();
    const first = await openLog(path);
    const before = await Promise.all([1, 2, 3].map((n) => first.append(draft(n))));
    await first.close();
    const whole = await readFile(path);
    const fragment = '{"action":"audit.torn-tail-dropped","actor":4,"at":17840';
    await writeFile(path, Buffer.concat([whole, Buffer.from(fragment)]));
    expect(await verifyAuditLog(path)).toMatchObject({
      ok: true,
      entries: 3,
      torn: { bytes: fragment.length },
    });

    const { log: logger, lines: logged } = recordingLogger();
    const again = await openLog(path, { log: logger });
    expect(again.torn).toMatchObject({ bytes: fragment.length });
    const next = await again.append(draft(5));
    await again.close();
    const after = await lines(path);
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3]).toMatchObject({
      seq: 4,
      actor: 'system',
      action: 'audit.torn-tail-dropped',
      prev: before[2]?.hash,
      details: { bytes: fragment.length, after: 3, began: fragment },
    });
    expect(next).toMatchObject({ seq: 5, prev: after[3]?.hash });
    expect((await readFile(path)).subarray(0, whole.length).equals(whole)).toBe(true);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, entries: 5 });
    expect(logged.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('after a crash anywhere, keeps every whole entry and verifies (property)', async () => {
    const path = await tempFile();
    const first = await openLog(path);
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => first.append(draft(n))));
    await first.close();
    const original = await readFile(path);
    const ends = [...original.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: original.length }), fc.boolean(), async (cut, zeros) => {
        // What a power cut can leave: the file cut anywhere, or its unsynced end read back as zeros.
        const kept = original.subarray(0, cut);
        await writeFile(path, zeros ? Buffer.concat([kept, Buffer.alloc(original.length - cut)]) : kept);
        const wholeLines = ends.filter((e) => e <= cut).length;
        const torn = zeros ? cut < original.length : cut > 0 && !ends.includes(cut);
        const log = await openLog(path);
        expect(log.head.seq).toBe(wholeLines + (torn ? 1 : 0)); // the cut is recorded at open
        await log.append(draft(9));
        await log.close();
        const result = await verifyAuditLog(path);
        expect(result).toMatchObject({ ok: true, entries: wholeLines + (log.torn ? 2 : 1) });
        expect(log.torn !== undefined).toBe(torn);
        const wholeBytes = ends[wholeLines - 1] ?? 0;
        expect((await readFile(path)).subarray(0, wholeBytes).equals(original.subarray(0, wholeBytes))).toBe(
          true,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('refuses to append after a last whole line that is not an entry, saying what to do', async () => {
    const path = await tempFile();
    const first = await openLog(path);
    await first.append(draft(1));
    await first.close();
    await writeFile(path, `${await readFile(path, 'utf8')}{"seq":2,"forged":true}\n`);
    const failure = await kitFailure(openLog(path));
    expect(failure.code).toBe('AUDIT_CORRUPT');
    expect(failure.message).toContain('its last whole line is not a valid entry: unknown field "forged"');
    expect(failure.message).toContain('fieldnode audit verify');
  });

  it('fails the appends of a failed write and every later one, and says so once', async () => {
    const path = await tempFile();
    let failing = false;
    const { log: logger, lines: logged } = recordingLogger();
    const log = await openLog(path, { log: logger, open: watchedOpen([], { failWrite: () => failing }) });
    await log.append(draft(1));
    failing = true;
    const failed = await Promise.allSettled([log.append(draft(2)), log.append(draft(3))]);
    failing = false;
    const later = await kitFailure(log.append(draft(4)));
    await log.close();
    for (const r of failed)
      expect(r.status === 'rejected' && (r.reason as { code: string }).code).toBe('AUDIT_WRITE_FAILED');
    expect(later.code).toBe('AUDIT_WRITE_FAILED');
    expect(later.message).toContain('could not be written after entry 1 (ENOSPC');
    expect(logged.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(await lines(path)).toHaveLength(1);
  });

  it('waits for appends under way at close, and refuses any after', async () => {
    const path = await tempFile();
    const log = await openLog(path);
    const pending = log.append(draft(1));
    await Promise.all([log.close(), log.close()]);
    expect((await pending).seq).toBe(1);
    expect((await kitFailure(log.append(draft(2)))).code).toBe('AUDIT_CLOSED');
  });

  it('refuses a draft no entry can hold, and keeps what it was given as it was', async () => {
    const path = await tempFile();
    const log = await openLog(path);
    expect(() => log.append({ actor: 0, action: ACTION })).toThrow(TypeError);
    expect(() => log.append({ actor: 1, action: 'Not An Action' as AuditAction })).toThrow(TypeError);
    expect(() => log.append({ actor: 1, action: ACTION, details: { n: Number.NaN } })).toThrow(TypeError);
    expect(() => log.append({ actor: 1, action: ACTION, details: { f: (() => 1) as never } })).toThrow(
      TypeError,
    );
    const details = { count: 1 };
    const appended = log.append({ actor: 1, action: ACTION, details });
    details.count = 2;
    expect((await appended).details).toEqual({ count: 1 });
    await log.close();
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, entries: 1 });
  });
});

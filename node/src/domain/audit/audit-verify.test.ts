/**
 * Checking a whole log (audit-verify.ts) on logs written by the real AuditLog and then tampered
 * with: any single change, removal, duplication or swap of lines is found, and named.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { silentLogger } from '../../base/logger.js';
import type { AuditAction } from './audit-actions.js';
import { AuditLog } from './audit-log.js';
import { type AuditVerification, verifyAuditLog } from './audit-verify.js';

const ACTION: AuditAction = 'audit.torn-tail-dropped';
const N = 12;
let dir: string;
/** The lines of a genuine log of N entries, each with its newline. */
let genuine: Buffer[];
let head: { seq: number; hash: string };
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-audit-verify-'));
  const path = join(dir, 'genuine.jsonl');
  let t = 1_784_000_000_000;
  const log = await AuditLog.open({ path, nodeId: 2107, log: silentLogger, now: () => (t += 1000) });
  for (let n = 1; n <= N; n++)
    await log.append({
      actor: n % 3 === 0 ? 'system' : n,
      action: ACTION,
      ...(n % 2 === 0 ? { subject: `2107/${n}` } : {}),
      ...(n % 4 === 0 ? { details: { count: n, note: '已转移' } } : {}),
    });
  head = log.head;
  await log.close();
  const text = await readFile(path);
  genuine = [];
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf(0x0a, start) + 1;
    genuine.push(text.subarray(start, end));
    start = end;
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function verify(lines: readonly Buffer[], anchored = false): Promise<AuditVerification> {
  const path = join(dir, `t${runs++}.jsonl`);
  await writeFile(path, Buffer.concat(lines));
  return verifyAuditLog(path, anchored ? { anchor: head } : {});
}

type Tamper =
  | { kind: 'change'; line: number; at: number; byte: number }
  | { kind: 'remove'; line: number }
  | { kind: 'duplicate'; line: number; to: number }
  | { kind: 'swap'; line: number; other: number };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('change' as const), line: fc.nat(N - 1), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({ kind: fc.constant('remove' as const), line: fc.nat(N - 1) }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(N - 1), to: fc.nat(N) }),
  fc
    .record({ kind: fc.constant('swap' as const), line: fc.nat(N - 1), other: fc.nat(N - 1) })
    .filter((t) => t.line !== t.other),
);

/** The genuine lines with one tampering, and whether it left the log a valid shorter one. */
function tampered(t: Tamper): { lines: Buffer[]; shorter: boolean } {
  const lines: Buffer[] = genuine.map((l) => Buffer.from(l));
  const last = t.line === N - 1;
  switch (t.kind) {
    case 'change': {
      const line = lines[t.line] as Buffer;
      const at = t.at % line.length;
      const byte = t.byte === line[at] ? (t.byte + 1) % 256 : t.byte;
      line[at] = byte;
      // The last line's newline changed: a torn last line, which only an anchor shows.
      return { lines, shorter: last && at === line.length - 1 };
    }
    case 'remove':
      lines.splice(t.line, 1);
      return { lines, shorter: last };
    case 'duplicate':
      lines.splice(t.to, 0, Buffer.from(genuine[t.line] as Buffer));
      return { lines, shorter: false };
    case 'swap':
      [lines[t.line], lines[t.other]] = [lines[t.other] as Buffer, lines[t.line] as Buffer];
      return { lines, shorter: false };
  }
}

const FAULTS: Record<Tamper['kind'], string[]> = {
  change: ['changed', 'malformed'],
  remove: ['removed'],
  duplicate: ['duplicated'],
  swap: ['reordered'],
};

describe('verifyAuditLog', () => {
  it('passes a genuine log, naming its last entry', async () => {
    const result = await verify(genuine);
    expect(result).toMatchObject({ ok: true, entries: N, last: { seq: N, hash: head.hash } });
    expect(await verify(genuine, true)).toMatchObject({ ok: true, entries: N });
    expect(await verify([])).toEqual({ ok: true, entries: 0 });
  });

  it('finds any single change, removal, duplication or swap of lines, and names it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(tamper, async (t) => {
        const { lines, shorter } = tampered(t);
        const plain = await verify(lines);
        if (shorter) {
          // A valid log one entry shorter: what no chain shows without an anchor.
          expect(plain).toMatchObject({ ok: true, entries: N - 1 });
        } else {
          expect(plain.ok).toBe(false);
          if (!plain.ok) {
            expect(FAULTS[t.kind]).toContain(plain.fault);
            expect(plain.entries).toBe(plain.at - 1);
            // Found where the file first differs from the genuine one, not later.
            const firstDiff = lines.findIndex(
              (l, k) => genuine[k] === undefined || !l.equals(genuine[k] as Buffer),
            );
            expect(plain.at).toBe(firstDiff + 1);
          }
        }
        const anchored = await verify(lines, true);
        expect(anchored.ok).toBe(false);
        if (shorter && !anchored.ok) expect(anchored.fault).toBe('truncated');
      }),
      { numRuns: 300 },
    );
  });

  it('says what it found, in words', async () => {
    const why = async (lines: Buffer[], anchored = false) => {
      const r = await verify(lines, anchored);
      return r.ok ? `ok ${r.entries}` : `${r.fault} at ${r.at}: ${r.why}`;
    };
    const g = genuine as Buffer[];
    const changed = Buffer.from(g[4] as Buffer);
    changed.write('"at":1784000006000', changed.indexOf('"at":'));
    expect(await why([...g.slice(0, 4), changed, ...g.slice(5)])).toBe(
      'changed at 5: entry 5 was changed after it was written: its hash does not match its contents',
    );
    expect(await why([...g.slice(0, 4), ...g.slice(5)])).toBe(
      'removed at 5: entry 5 is missing: line 5 holds entry 6',
    );
    expect(await why([...g.slice(0, 4), ...g.slice(7)])).toBe(
      'removed at 5: entries 5 to 7 are missing: line 5 holds entry 8',
    );
    expect(await why([...g.slice(0, 4), g[5], g[4], ...g.slice(6)] as Buffer[])).toBe(
      'reordered at 5: line 5 holds entry 6, and entry 5 stands later, at line 6',
    );
    expect(await why([...g.slice(0, 5), g[1], ...g.slice(5)] as Buffer[])).toBe(
      'duplicated at 6: line 6 holds entry 2 again, a copy of line 2',
    );
    expect(await why([...g.slice(0, 2), g[7], ...g.slice(2)] as Buffer[])).toBe(
      'duplicated at 3: line 3 holds entry 8, which stands again at line 9: a copy',
    );
    expect(await why([Buffer.from('not json\n'), ...g])).toMatch(
      /^malformed at 1: line 1 is not an audit entry: not JSON/,
    );
    expect(await why(g.slice(0, -1), true)).toBe(
      `truncated at ${N}: the log ends at entry ${N - 1}, but entry ${N} was written (the anchor): entries were removed from its end`,
    );
    expect(await why(g.slice(1))).toBe('removed at 1: entry 1 is missing: line 1 holds entry 2');
  });

  it('finds an entry rewritten with its hash recomputed where the next entry no longer chains to it', async () => {
    const g = genuine as Buffer[];
    // Entry 5 rewritten by someone who recomputed its hash: entry 6 still names the old one.
    const { chainEntry } = await import('./audit-entry.js');
    const five = JSON.parse(g[4]?.toString() as string);
    const forged = chainEntry({ actor: 99, action: ACTION }, { seq: 4, hash: five.prev }, five.at, 2107);
    const line = Buffer.from(`${(await import('./audit-entry.js')).canonicalJson(forged)}\n`);
    const r = await verify([...g.slice(0, 4), line, ...g.slice(5)]);
    expect(r).toMatchObject({
      ok: false,
      at: 6,
      fault: 'broken-chain',
      why: 'entry 6 does not follow entry 5: its prev is not the hash of entry 5 (entry 5 was rewritten, or entry 6 comes from another log)',
    });
  });

  it('passes a torn last line, a write cut short, and tells its size', async () => {
    const g = genuine as Buffer[];
    const torn = (g[N - 1] as Buffer).subarray(0, 30);
    expect(await verify([...g.slice(0, -1), torn])).toEqual({
      ok: true,
      entries: N - 1,
      last: JSON.parse(g[N - 2]?.toString() as string),
      torn: { bytes: 30 },
    });
  });

  it('says when there is no log to read', async () => {
    const failure = await kitFailure(verifyAuditLog(join(dir, 'none.jsonl')));
    expect(failure.code).toBe('AUDIT_UNREADABLE');
  });
});

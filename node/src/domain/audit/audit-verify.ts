/**
 * Checking a whole audit log (docs/domain-model.md §Checking the log): every line an entry as it
 * was written, numbered 1, 2, 3… and each chained to the one before. The first fault found is
 * named with why:
 *
 * | fault          | what the file shows                                                   |
 * | -------------- | --------------------------------------------------------------------- |
 * | `malformed`    | a line that is not an entry at all                                    |
 * | `changed`      | an entry whose hash does not match it, or not in its written form     |
 * | `removed`      | numbers skipped, and the missing entries nowhere later                |
 * | `reordered`    | numbers skipped, and the missing entry further on                     |
 * | `duplicated`   | one entry on two lines                                                |
 * | `inserted`     | two different entries under one number                                |
 * | `broken-chain` | an entry whose `prev` is not the hash of the entry before it          |
 * | `truncated`    | the log ends before an anchor (a known later entry) that was given    |
 *
 * Bytes after the last newline are a torn line, a write cut short, and not a fault: the daemon
 * cuts them off at its next start and records that. What no chain can show without an anchor
 * kept elsewhere: entries removed from the end, or the log rewritten from some entry on with every
 * hash recomputed (docs/domain-model.md §What the chain proves).
 */
import { KitError } from '../../base/errors.js';
import { type AuditEntry, GENESIS } from './audit-entry.js';
import './audit-errors.js';
import { readAuditLine } from './audit-line.js';
import { type FileLine, fileLines } from './file-lines.js';

export type AuditFault =
  | 'malformed'
  | 'changed'
  | 'removed'
  | 'reordered'
  | 'duplicated'
  | 'inserted'
  | 'broken-chain'
  | 'truncated';

export type AuditVerification =
  | {
      ok: true;
      /** Entries, all whole and chained. */
      entries: number;
      last?: AuditEntry;
      /** The bytes after the last newline, when there are any. */
      torn?: { bytes: number };
    }
  | {
      ok: false;
      /** The entries before the fault, whole and chained. */
      entries: number;
      /** The entry (= line) number where the log breaks. */
      at: number;
      fault: AuditFault;
      /** For people: what is wrong there. */
      why: string;
    };

export interface VerifyOptions {
  /** An entry known to have been written, its sequence and hash, recorded outside the log. */
  anchor?: { seq: number; hash: string };
}

/**
 * Checks the log at `path`.
 * @throws KitError AUDIT_UNREADABLE when it cannot be read (the cause's `code` is ENOENT when
 *   there is no such file).
 */
export async function verifyAuditLog(path: string, opts: VerifyOptions = {}): Promise<AuditVerification> {
  const lines = fileLines(path);
  try {
    return await check(lines, path, opts);
  } catch (cause) {
    if (cause instanceof KitError) throw cause;
    throw new KitError('AUDIT_UNREADABLE', `cannot read ${path}: ${(cause as Error).message}`, { cause });
  } finally {
    await lines.return(undefined);
  }
}

async function check(
  lines: AsyncGenerator<FileLine>,
  path: string,
  { anchor }: VerifyOptions,
): Promise<AuditVerification> {
  let last: AuditEntry | undefined;
  let torn: { bytes: number } | undefined;
  const broken = (at: number, fault: AuditFault, why: string): AuditVerification => ({
    ok: false,
    entries: at - 1,
    at,
    fault,
    why,
  });
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    const line = next.value;
    const k = line.n;
    if (!line.whole) {
      torn = { bytes: line.length }; // the last line: nothing follows it
      break;
    }
    const read = readAuditLine(line.bytes);
    if (!read.ok) {
      return read.fault === 'changed'
        ? broken(k, 'changed', `entry ${k} was changed after it was written: ${read.why}`)
        : broken(k, 'malformed', `line ${k} is not an audit entry: ${read.why}`);
    }
    const e = read.entry;
    if (e.seq > k) {
      const { missingAt, againAt } = await lookAhead(lines, k, e);
      if (againAt !== undefined)
        return againAt.same
          ? broken(
              k,
              'duplicated',
              `line ${k} holds entry ${e.seq}, which stands again at line ${againAt.n}: a copy`,
            )
          : broken(
              k,
              'inserted',
              `line ${k} holds an entry numbered ${e.seq}, and line ${againAt.n} another`,
            );
      if (missingAt !== undefined)
        return broken(
          k,
          'reordered',
          `line ${k} holds entry ${e.seq}, and entry ${k} stands later, at line ${missingAt}`,
        );
      return broken(
        k,
        'removed',
        e.seq === k + 1
          ? `entry ${k} is missing: line ${k} holds entry ${e.seq}`
          : `entries ${k} to ${e.seq - 1} are missing: line ${k} holds entry ${e.seq}`,
      );
    }
    if (e.seq < k) {
      const first = e.seq === k - 1 ? last?.hash : await hashAtLine(path, e.seq);
      return first === e.hash
        ? broken(k, 'duplicated', `line ${k} holds entry ${e.seq} again, a copy of line ${e.seq}`)
        : broken(k, 'inserted', `line ${k} holds a second, different entry numbered ${e.seq}`);
    }
    const prev = last?.hash ?? GENESIS;
    if (e.prev !== prev)
      return broken(
        k,
        'broken-chain',
        k === 1
          ? 'entry 1 does not start a log: its prev is not 64 zeros (entries before it were removed)'
          : `entry ${k} does not follow entry ${k - 1}: its prev is not the hash of entry ${k - 1} ` +
              `(entry ${k - 1} was rewritten, or entry ${k} comes from another log)`,
      );
    if (anchor !== undefined && e.seq === anchor.seq && e.hash !== anchor.hash)
      return broken(
        k,
        'changed',
        `entry ${k} is not the entry anchored: its hash is ${e.hash}, the anchor's ${anchor.hash}; ` +
          `the log was rewritten at or before entry ${k}`,
      );
    last = e;
  }
  const entries = last?.seq ?? 0;
  if (anchor !== undefined && anchor.seq > entries)
    return broken(
      entries + 1,
      'truncated',
      `the log ends at entry ${entries}, but entry ${anchor.seq} was written (the anchor): entries were ` +
        'removed from its end',
    );
  return { ok: true, entries, ...(last ? { last } : {}), ...(torn ? { torn } : {}) };
}

/**
 * Further on: the first line whose entry claims `missing`, and the first that claims the number of
 * `entry` again, with whether it is the same entry (only the numbers and hashes are read).
 */
async function lookAhead(
  lines: AsyncGenerator<FileLine>,
  missing: number,
  entry: AuditEntry,
): Promise<{ missingAt?: number; againAt?: { n: number; same: boolean } }> {
  let missingAt: number | undefined;
  for (;;) {
    const next = await lines.next();
    if (next.done) return missingAt === undefined ? {} : { missingAt };
    const { seq, hash } = numberOf(next.value.bytes);
    if (seq === entry.seq) return { againAt: { n: next.value.n, same: hash === entry.hash } };
    if (seq === missing) missingAt ??= next.value.n;
  }
}

/** The hash on line `n` of the file, as written there. */
async function hashAtLine(path: string, n: number): Promise<string | undefined> {
  for await (const line of fileLines(path)) {
    if (line.n !== n) continue;
    const read = readAuditLine(line.bytes);
    return read.ok ? read.entry.hash : undefined;
  }
  return undefined;
}

function numberOf(bytes: Buffer): { seq?: unknown; hash?: unknown } {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { seq?: unknown; hash?: unknown } | null;
    return { seq: value?.seq, hash: value?.hash };
  } catch {
    return {};
  }
}

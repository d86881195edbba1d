/**
 * `fieldnode audit verify [--config FILE | --data-dir DIR]`: checks the node's audit log,
 * `<data dir>/audit.jsonl`, from the file itself, with or without a daemon running
 * (docs/domain-model.md §Checking the log). It prints one of:
 *
 *   audit log OK: 42 entries, last at 2026-07-13T08:15:02Z (entry 42, hash 3f9a…)
 *   audit log BROKEN at entry 17: entry 17 was changed after it was written: its hash does not match …
 *   audit log MISSING: no file at /var/lib/fieldnode/audit.jsonl; the daemon makes it when it starts
 *
 * and exits 0 only for OK. The hash printed after OK is the log's head: written down or sent
 * elsewhere, it is what later shows entries removed from the end (§What the chain proves).
 */
import { join } from 'node:path';
import { isKitError, KitError } from '../base/errors.js';
import { AUDIT_FILE_NAME } from '../domain/audit/audit-log.js';
import { type AuditVerification, verifyAuditLog } from '../domain/audit/audit-verify.js';
import { parseOptions } from './args.js';
import { nodePlaces } from './node-places.js';
import { iso } from './text-table.js';

export async function auditCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'verify':
      return auditVerifyCommand(rest);
    case undefined:
      throw new KitError('CLI_USAGE', 'audit: verify?');
    default:
      throw new KitError('CLI_USAGE', `audit: expected verify, not ${JSON.stringify(sub)}`);
  }
}

async function auditVerifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `audit verify takes no arguments, got ${positionals.join(' ')}`);
  const file = join((await nodePlaces(values)).dataDir, AUDIT_FILE_NAME);
  let result: AuditVerification;
  try {
    result = await verifyAuditLog(file);
  } catch (err) {
    if (isKitError(err, 'AUDIT_UNREADABLE') && (err.cause as NodeJS.ErrnoException)?.code === 'ENOENT') {
      process.stdout.write(`audit log MISSING: no file at ${file}; the daemon makes it when it starts\n`);
      return 1;
    }
    throw err;
  }
  process.stdout.write(verificationText(result, file));
  return result.ok ? 0 : 1;
}

/** What `audit verify` prints for a result. */
export function verificationText(result: AuditVerification, file: string): string {
  if (!result.ok) {
    const intact = result.entries === 0 ? 'no entry before it' : `entries 1 to ${result.entries} are intact`;
    return `audit log BROKEN at entry ${result.at}: ${result.why}\n  (${file}, line ${result.at}; ${intact})\n`;
  }
  const last = result.last;
  let text =
    last === undefined
      ? `audit log OK: ${result.entries} entries\n`
      : `audit log OK: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}, last at ${iso(last.at)} ` +
        `(entry ${last.seq}, hash ${last.hash})\n`;
  if (result.torn !== undefined)
    text +=
      `  and ${result.torn.bytes} bytes after the last entry without a newline: a write cut short by a ` +
      'crash, which the daemon cuts off at its next start and records in the log\n';
  return text;
}

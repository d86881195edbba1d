import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/capture-output.js';
import { kitFailure } from '../../test/kit-errors.js';
import { silentLogger } from '../base/logger.js';
import type { AuditEntry } from '../domain/audit/audit-entry.js';
import { AuditLog } from '../domain/audit/audit-log.js';
import { auditCommand } from './audit-command.js';

const io = captureOutput();
const T0 = Date.UTC(2026, 6, 13, 8, 15, 2);
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-audit-cli-'));
  file = join(dir, 'audit.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeLog(n: number, path = file): Promise<AuditEntry[]> {
  let t = T0 - n * 1000;
  const log = await AuditLog.open({ path, nodeId: 2107, log: silentLogger, now: () => (t += 1000) });
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= n; i++)
    entries.push(await log.append({ actor: i, action: 'audit.torn-tail-dropped' }));
  await log.close();
  return entries;
}

describe('fieldnode audit verify', () => {
  it('says OK with the count, the time and the hash of the last entry, and exits 0', async () => {
    const entries = await writeLog(3);
    expect(await auditCommand(['verify', '--data-dir', dir])).toBe(0);
    expect(io.out).toBe(
      `audit log OK: 3 entries, last at 2026-07-13T08:15:02Z (entry 3, hash ${entries[2]?.hash})\n`,
    );
  });

  it('says where the log breaks and why, and exits 1', async () => {
    await writeLog(4);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[2] = (lines[2] as string).replace('"actor":3', '"actor":9');
    await writeFile(file, lines.join('\n'));
    expect(await auditCommand(['verify', '--data-dir', dir])).toBe(1);
    expect(io.out).toBe(
      'audit log BROKEN at entry 3: entry 3 was changed after it was written: its hash does not match its contents\n' +
        `  (${file}, line 3; entries 1 to 2 are intact)\n`,
    );
  });

  it('tells a torn last line apart from a broken log', async () => {
    await writeLog(2);
    await appendFile(file, '{"action":"audit.torn');
    expect(await auditCommand(['verify', '--data-dir', dir])).toBe(0);
    expect(io.out).toMatch(
      /^audit log OK: 2 entries, last at 2026-07-13T08:15:02Z \(entry 2, hash [0-9a-f]{64}\)\n/,
    );
    expect(io.out).toContain(
      '  and 21 bytes after the last entry without a newline: a write cut short by a crash, which the daemon cuts off at its next start and records in the log\n',
    );
  });

  it('says when there is no log, and exits 1', async () => {
    expect(await auditCommand(['verify', '--data-dir', dir])).toBe(1);
    expect(io.out).toBe(`audit log MISSING: no file at ${file}; the daemon makes it when it starts\n`);
  });

  it('finds the log in the data directory a configuration names', async () => {
    await mkdir(join(dir, 'data'));
    await writeLog(1, join(dir, 'data', 'audit.jsonl'));
    const config = join(dir, 'node.yaml');
    await writeFile(config, 'node:\n  id: 1\n  role: centre\ndata_dir: data\n');
    expect(await auditCommand(['verify', '--config', config])).toBe(0);
    expect(io.out).toMatch(/^audit log OK: 1 entry, last at /);
  });

  it('refuses what it does not take', async () => {
    for (const args of [
      [],
      ['check'],
      ['verify', 'extra'],
      ['verify', '--json'],
      ['verify', '--config', 'a', '--data-dir', 'b'],
    ])
      expect((await kitFailure(auditCommand(args))).code, args.join(' ')).toBe('CLI_USAGE');
  });
});

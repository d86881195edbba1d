import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { hashPin } from './pin-hash.js';
import { NO_CHANGES, type RosterChanges, readRosterFile, writeRosterFile } from './roster-file.js';

const AREAS = new Set([430121, 430121101201]);
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-roster-'));
  dirs.push(dir);
  return dir;
}

describe('the roster file', () => {
  it('reads back what was written, from a file only its owner can read, leaving no temp file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'roster.json');
    const changes: RosterChanges = {
      people: [
        { id: 17, name: '张伟', phone: '13800000017', roles: ['info-officer'], areas: [430121101201] },
      ],
      removed: [5],
      pins: new Map([[17, await hashPin('271828', { ln: 10, r: 8, p: 1 })]]),
    };
    await writeRosterFile(file, changes);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readRosterFile(file, AREAS)).toEqual(changes);
    expect(await readdir(dir)).toEqual(['roster.json']);
    expect(await readFile(file, 'utf8')).not.toContain('271828');

    // Replaced whole, still private, even over a file someone made readable.
    await chmod(file, 0o644);
    await writeRosterFile(file, NO_CHANGES);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readRosterFile(file, AREAS)).toEqual(NO_CHANGES);
  });

  it('is no changes when there is no file yet', async () => {
    expect(await readRosterFile(join(await tempDir(), 'roster.json'), AREAS)).toEqual(NO_CHANGES);
  });

  it('is refused when others may read it, with the chmod that fixes it', async () => {
    const file = join(await tempDir(), 'roster.json');
    await writeRosterFile(file, NO_CHANGES);
    await chmod(file, 0o640);
    const failure = await kitFailure(readRosterFile(file, AREAS));
    expect(failure.code).toBe('KEYS_INSECURE');
    expect(failure.message).toContain('holds the PIN hashes of the roster but has mode 0640');
    expect(failure.message).toContain(`chmod 600 ${file}`);
  });

  it('lists every problem of a file that breaks the rules', async () => {
    const file = join(await tempDir(), 'roster.json');
    const record = {
      format: 'fieldnode-roster',
      version: 2,
      people: [
        { id: 17, name: '张伟', roles: ['info-officer'], areas: [430121101201], pin: '1' },
        { id: 18, name: '李娜', roles: ['boss'], areas: [430121] },
      ],
      removed: [0, 17],
      pins: { '017': '$scrypt$v=1$ln=15,r=8,p=1$x$y', 18: 'plain' },
    };
    await writeFile(file, JSON.stringify(record), { mode: 0o600 });
    const failure = await kitFailure(readRosterFile(file, AREAS));
    expect(failure.code).toBe('ROSTER_INVALID');
    expect(failure.message.split('\n')).toEqual([
      `${file}: 8 problems:`,
      '  - version: version 2 was written by a newer fieldnode; this one reads 1',
      '  - people[0].pin: PINs are never written here: an admin sets them on the node, which keeps only their hash (docs/domain-model.md §PINs)',
      '  - people[1].roles[0]: expected one of info-officer, grid-member, flood-responsible, village-committee, team-leader, duty-officer, admin, found text "boss"',
      '  - removed[0]: expected a roster id from 1 to 65535, found 0',
      '  - removed[1]: 17 is also among the people: removed or not?',
      '  - pins.18: not a PIN hash of this version ($scrypt$v=1$ln=…,r=…,p=…$salt$hash)',
      '  - pins.017: "017" is not a roster id',
      '  - pins.017: not a PIN hash of this version ($scrypt$v=1$ln=…,r=…,p=…$salt$hash)',
    ]);
  });

  it('says what to do when it is not JSON', async () => {
    const file = join(await tempDir(), 'roster.json');
    await writeFile(file, '{"format":', { mode: 0o600 });
    const failure = await kitFailure(readRosterFile(file, AREAS));
    expect(failure.code).toBe('ROSTER_INVALID');
    expect(failure.message).toMatch(/is not valid JSON .*: restore it from a backup, or move it aside/);
  });
});

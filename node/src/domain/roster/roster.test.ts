/**
 * The roster at run time (roster.ts) on a real roster file and a real audit log in a temp dir:
 * changes saved before they take effect and recorded after, surviving a restart, PINs checked and
 * hashed again under new parameters.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { silentLogger } from '../../base/logger.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import { AuditLog } from '../audit/audit-log.js';
import { verifyAuditLog } from '../audit/audit-verify.js';
import type { Person } from './person.js';
import { Roster, type RosterOptions } from './roster.js';
import type { RosterConfig } from './roster-config.js';

const FAST = { ln: 10, r: 8, p: 1 };
const COUNTY = 430121;
const TOWNSHIP = 430121101;
const VILLAGE = 430121101201;
const NEIGHBOUR = 430121101202;
const CONFIG: RosterConfig = {
  areas: [
    { code: COUNTY, name: '长沙县' },
    { code: TOWNSHIP, name: '甲镇' },
    { code: VILLAGE, name: '甲村' },
    { code: NEIGHBOUR, name: '乙村' },
  ],
  people: [
    { id: 1, name: '赵敏', roles: ['duty-officer', 'admin'], areas: [COUNTY] },
    { id: 3, name: '张伟', phone: '13800000003', roles: ['info-officer'], areas: [VILLAGE] },
    { id: 12, name: '李娜', roles: ['grid-member'], areas: [NEIGHBOUR] },
  ],
};
const ADMIN = 1;

let dir: string;
let audit: AuditLog;
const open: Array<{ close(): Promise<void> }> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-roster-'));
  audit = await openAudit();
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  await rm(dir, { recursive: true, force: true });
});

async function openAudit(): Promise<AuditLog> {
  const log = await AuditLog.open({ path: join(dir, 'audit.jsonl'), nodeId: 1, log: silentLogger });
  open.push(log);
  return log;
}

function openRoster(extra: Partial<RosterOptions> = {}): Promise<Roster> {
  return Roster.open({
    config: CONFIG,
    file: join(dir, 'roster.json'),
    audit,
    log: silentLogger,
    pinParams: FAST,
    ...extra,
  });
}

async function auditEntries(): Promise<AuditEntry[]> {
  const text = await readFile(join(dir, 'audit.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
}

describe('Roster', () => {
  it('answers who is on it, where, and what a kit of an area may be sent', async () => {
    const roster = await openRoster();
    expect(roster.list().map((p) => p.id)).toEqual([1, 3, 12]);
    expect(roster.get(3)?.name).toBe('张伟');
    expect(roster.within(TOWNSHIP).map((p) => p.id)).toEqual([3, 12]);
    expect(roster.within(VILLAGE).map((p) => p.id)).toEqual([3]);
    expect(roster.airRoster(VILLAGE)).toEqual({
      area: VILLAGE,
      persons: [{ person: 3, roles: [1], name: '张伟' }],
    });
    expect(roster.areas.label(VILLAGE)).toBe('甲村 (430121101201)');
    expect(roster.areas.children(TOWNSHIP).map((a) => a.name)).toEqual(['甲村', '乙村']);
    expect(roster.areas.within(TOWNSHIP)).toHaveLength(3);
    expect(roster.nextId()).toBe(13);
  });

  it('adds, changes and removes people, saved before they take effect and kept across a restart', async () => {
    const roster = await openRoster();
    const added: Person = { id: 20, name: '王强', roles: ['flood-responsible'], areas: [VILLAGE] };
    await roster.add(ADMIN, added);
    await roster.change(ADMIN, {
      ...(roster.get(3) as Person),
      roles: ['info-officer', 'village-committee'],
    });
    await roster.remove(ADMIN, 12);
    expect(roster.get(20)).toEqual(added);

    const again = await openRoster();
    expect(again.list().map((p) => [p.id, p.roles])).toEqual([
      [1, ['duty-officer', 'admin']],
      [3, ['info-officer', 'village-committee']],
      [20, ['flood-responsible']],
    ]);
    expect(await verifyAuditLog(join(dir, 'audit.jsonl'))).toMatchObject({ ok: true, entries: 3 });
    expect((await auditEntries()).map((e) => [e.actor, e.action, e.subject, e.details])).toEqual([
      [ADMIN, 'roster.person-added', 'person:20', { roles: ['flood-responsible'], areas: [VILLAGE] }],
      [ADMIN, 'roster.person-changed', 'person:3', { fields: ['roles'] }],
      [ADMIN, 'roster.person-removed', 'person:12', undefined],
    ]);
  });

  it('never gives an id out twice, not even one whose person was removed', async () => {
    const roster = await openRoster();
    await roster.remove(ADMIN, 12);
    const reuse = await kitFailure(
      roster.add(ADMIN, { id: 12, name: '新人', roles: ['grid-member'], areas: [VILLAGE] }),
    );
    expect(reuse).toEqual({
      code: 'ROSTER_INVALID',
      message: 'id 12 belonged to someone removed, and ids are never reused: use 13',
    });
    const taken = await kitFailure(
      roster.add(ADMIN, { id: 3, name: '新人', roles: ['grid-member'], areas: [VILLAGE] }),
    );
    expect(taken.message).toBe("id 3 is already 张伟's");
  });

  it('holds a change to the rules of the configuration, listing every problem', async () => {
    const roster = await openRoster();
    const failure = await kitFailure(
      roster.add(ADMIN, { id: 21, name: '', roles: ['chief' as never], areas: [430121101299] }),
    );
    expect(failure.code).toBe('ROSTER_INVALID');
    expect(failure.message).toBe(
      'person.name: expected text, found text ""; person.roles[0]: expected one of info-officer, grid-member, ' +
        'flood-responsible, village-committee, team-leader, duty-officer, admin, found text "chief"; ' +
        "person.areas[0]: 430121101299 is not named in the roster's areas: add it there",
    );
    expect((await kitFailure(roster.remove(ADMIN, 99))).code).toBe('ROSTER_UNKNOWN_PERSON');
    expect(await auditEntries()).toEqual([]);
  });

  it('sets PINs, random or chosen, keeping only their hashes, and checks them after a restart', async () => {
    const roster = await openRoster();
    const set = await roster.setPins(
      ADMIN,
      new Map([
        [3, undefined],
        [12, '604175'],
      ]),
    );
    const random = set.get(3) as string;
    expect(random).toMatch(/^[0-9]{6}$/);
    expect(set.get(12)).toBe('604175');
    const text = await readFile(join(dir, 'roster.json'), 'utf8');
    expect(text).not.toContain(random);
    expect(text).not.toContain('604175');
    expect(text).toContain('"3": "$scrypt$v=1$ln=10,r=8,p=1$');

    const again = await openRoster();
    expect(await again.checkPin(3, random)).toBe(true);
    expect(await again.checkPin(12, '604175')).toBe(true);
    expect(await again.checkPin(12, random === '604175' ? '604176' : random)).toBe(false);
    expect(await again.checkPin(1, '604175')).toBe(false); // no PIN set
    expect(await again.checkPin(99, '604175')).toBe(false); // not on the roster
    expect(again.hasPin(3)).toBe(true);
    expect(again.hasPin(1)).toBe(false);
    const entries = await auditEntries();
    expect(entries.map((e) => [e.action, e.subject, e.details])).toEqual([
      ['roster.pin-set', 'person:3', { random: true }],
      ['roster.pin-set', 'person:12', { random: false }],
    ]);
    expect(JSON.stringify(entries)).not.toContain(random);
  });

  it('refuses a PIN that is not six digits and a person not on the roster, changing nothing', async () => {
    const roster = await openRoster();
    expect(await kitFailure(roster.setPins(ADMIN, new Map([[3, '1234']])))).toEqual({
      code: 'ROSTER_PIN_INVALID',
      message: 'person 3: a PIN is 6 digits',
    });
    expect((await kitFailure(roster.setPins(ADMIN, new Map([[99, undefined]])))).code).toBe(
      'ROSTER_UNKNOWN_PERSON',
    );
    expect(roster.hasPin(3)).toBe(false);
  });

  it('hashes a PIN again under new parameters when its owner signs in', async () => {
    const old = await openRoster();
    await old.setPins(ADMIN, new Map([[3, '604175']]));
    const stronger = await openRoster({ pinParams: { ...FAST, ln: 11 } });
    expect(await stronger.checkPin(3, '604175')).toBe(true);
    expect(await readFile(join(dir, 'roster.json'), 'utf8')).toContain('"3": "$scrypt$v=1$ln=11,r=8,p=1$');
    expect(await (await openRoster({ pinParams: { ...FAST, ln: 11 } })).checkPin(3, '604175')).toBe(true);
    expect((await auditEntries()).map((e) => [e.actor, e.action])).toEqual([
      [ADMIN, 'roster.pin-set'],
      ['system', 'roster.pin-rehashed'],
    ]);
  });

  it('drops the PIN of a person removed', async () => {
    const roster = await openRoster();
    await roster.setPins(ADMIN, new Map([[12, '604175']]));
    await roster.remove(ADMIN, 12);
    expect(await readFile(join(dir, 'roster.json'), 'utf8')).not.toContain('"12": "$scrypt');
  });

  it('makes changes asked for together one after the other, all of them kept', async () => {
    const roster = await openRoster();
    const person = (id: number): Person => ({
      id,
      name: `人${id}`,
      roles: ['grid-member'],
      areas: [VILLAGE],
    });
    await Promise.all([
      roster.add(ADMIN, person(30)),
      roster.add(ADMIN, person(31)),
      roster.setPins(ADMIN, new Map([[3, undefined]])),
      roster.remove(ADMIN, 12),
      roster.add(ADMIN, person(32)),
    ]);
    expect((await openRoster()).list().map((p) => p.id)).toEqual([1, 3, 30, 31, 32]);
    expect((await auditEntries()).map((e) => e.subject)).toEqual([
      'person:30',
      'person:31',
      'person:3',
      'person:12',
      'person:32',
    ]);
  });

  it('makes no change it cannot save', async () => {
    const roster = await openRoster({ file: join(dir, 'no-such-dir', 'roster.json') });
    const failure = await kitFailure(
      roster.add(ADMIN, { id: 40, name: '王强', roles: ['grid-member'], areas: [VILLAGE] }),
    );
    expect(failure.code).toBe('ROSTER_UNWRITABLE');
    expect(failure.message).toContain('the change was not made');
    expect(roster.get(40)).toBeUndefined();
    expect(await auditEntries()).toEqual([]);
  });
});

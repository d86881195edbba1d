import { describe, expect, it } from 'vitest';
import { roleByCode } from '../../wire/codes/roles.js';
import { GRANTS, may, PERMISSIONS, scopeOf } from './permissions.js';
import type { Person } from './person.js';
import { ROLE_CODES, ROLES } from './roles.js';

const VILLAGE = 430121101201;
const NEIGHBOUR = 430121101202;
const TOWNSHIP = 430121101;
const COUNTY = 430121;

const person = (roles: Person['roles'], areas: Person['areas'] = [VILLAGE]): Person => ({
  id: 1,
  name: '张伟',
  roles,
  areas,
});

describe('roles', () => {
  it('each has its labels and the wire number of the same role', () => {
    const wireNames: Record<string, string> = {
      'info-officer': 'informationOfficer',
      'grid-member': 'gridWorker',
      'flood-responsible': 'floodControl',
      'village-committee': 'villageCommittee',
      'team-leader': 'teamLeader',
      'duty-officer': 'dutyOfficer',
      admin: 'admin',
    };
    for (const code of ROLE_CODES) {
      const role = ROLES[code];
      expect(role.code).toBe(code);
      expect(role.zh).not.toBe('');
      expect(role.en).not.toBe('');
      expect(roleByCode(role.wire)?.name, code).toBe(wireNames[code]);
    }
    expect(new Set(ROLE_CODES.map((c) => ROLES[c].wire)).size).toBe(ROLE_CODES.length);
  });
});

describe('permissions', () => {
  it('lets a disaster information officer file and see reports of their village only', () => {
    const officer = person(['info-officer']);
    expect(may(officer, 'report.file', VILLAGE)).toBe(true);
    expect(may(officer, 'report.view', VILLAGE)).toBe(true);
    expect(may(officer, 'report.file', NEIGHBOUR)).toBe(false);
    expect(may(officer, 'report.view', TOWNSHIP)).toBe(false);
    expect(may(officer, 'warning.issue', VILLAGE)).toBe(false);
    expect(may(officer, 'roster.manage', VILLAGE)).toBe(false);
  });

  it('gives an area within one answered for: a township officer may act in its villages', () => {
    const township = person(['info-officer'], [TOWNSHIP]);
    expect(may(township, 'report.file', VILLAGE)).toBe(true);
    expect(may(township, 'report.file', NEIGHBOUR)).toBe(true);
    expect(may(township, 'report.file', 430121102201)).toBe(false);
  });

  it('lets the duty officer see and file everywhere and issue warnings, and only the admin manage the roster', () => {
    const duty = person(['duty-officer'], [COUNTY]);
    expect(may(duty, 'report.view', 450102001001)).toBe(true);
    expect(may(duty, 'warning.issue', VILLAGE)).toBe(true);
    expect(may(duty, 'roster.manage', VILLAGE)).toBe(false);
    expect(scopeOf(duty, 'report.view')).toEqual({ all: true });
    const admin = person(['admin'], [COUNTY]);
    expect(may(admin, 'roster.manage', VILLAGE)).toBe(true);
    expect(may(admin, 'report.file', VILLAGE)).toBe(false);
    expect(may(admin, 'report.view', VILLAGE)).toBe(false);
  });

  it('adds up the roles a person holds', () => {
    const both = person(['grid-member', 'info-officer']);
    expect(may(person(['grid-member']), 'report.file', VILLAGE)).toBe(false);
    expect(may(both, 'report.file', VILLAGE)).toBe(true);
    expect(scopeOf(both, 'report.file')).toEqual({ all: false, areas: [VILLAGE] });
    expect(scopeOf(both, 'roster.manage')).toEqual({ all: false, areas: [] });
  });

  it('lets every field role answer warnings in its own area', () => {
    for (const role of [
      'info-officer',
      'grid-member',
      'flood-responsible',
      'village-committee',
      'team-leader',
    ] as const)
      expect(may(person([role]), 'warning.answer', VILLAGE), role).toBe(true);
  });

  it('grants only permissions that exist', () => {
    for (const grants of Object.values(GRANTS))
      for (const p of Object.keys(grants)) expect(PERMISSIONS as readonly string[]).toContain(p);
  });
});

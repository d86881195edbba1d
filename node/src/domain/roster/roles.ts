/**
 * The roles a person on the roster holds (docs/domain-model.md §Roles and what they may do;
 * docs/domain.md §People and roles): a stable code for files, APIs and the audit log, labels in
 * Chinese and English, and the code the role has on the wire (node/src/wire/codes/roles.ts), so a
 * roster sent on air names roles as every kit reads them.
 *
 * Codes are API: append new roles, never rename one.
 */
import { roleCode } from '../../wire/codes/roles.js';

export const ROLE_CODES = [
  'info-officer',
  'grid-member',
  'flood-responsible',
  'village-committee',
  'team-leader',
  'duty-officer',
  'admin',
] as const;

export type RoleCode = (typeof ROLE_CODES)[number];

export interface RoleInfo {
  code: RoleCode;
  zh: string;
  en: string;
  /** The role's number on the wire, in node/src/wire/codes/roles.ts. */
  wire: number;
}

export const ROLES: Readonly<Record<RoleCode, RoleInfo>> = {
  'info-officer': role('info-officer', '灾害信息员', 'disaster information officer', 'informationOfficer'),
  'grid-member': role('grid-member', '网格员', 'grid member', 'gridWorker'),
  'flood-responsible': role(
    'flood-responsible',
    '防汛责任人',
    'flood-control responsible person',
    'floodControl',
  ),
  'village-committee': role('village-committee', '村两委', 'village committee member', 'villageCommittee'),
  'team-leader': role('team-leader', '救援队长', 'rescue team leader', 'teamLeader'),
  'duty-officer': role('duty-officer', '值班员', 'duty officer', 'dutyOfficer'),
  admin: role('admin', '管理员', 'administrator', 'admin'),
};

export function isRoleCode(value: unknown): value is RoleCode {
  return (ROLE_CODES as readonly unknown[]).includes(value);
}

function role(code: RoleCode, zh: string, en: string, wireName: string): RoleInfo {
  return { code, zh, en, wire: roleCode(wireName) };
}

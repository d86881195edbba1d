/**
 * Roster roles that warnings address and that attribute actions (docs/domain.md §People and roles).
 * docs/wire-format.md §Code tables. Data: append rows, never renumber. Unknown codes travel.
 */
export const ROLES: ReadonlyArray<readonly [code: number, name: string, zh: string]> = [
  [1, 'informationOfficer', '灾害信息员'],
  [2, 'villageCommittee', '村两委成员'],
  [3, 'gridWorker', '网格员'],
  [4, 'floodControl', '防汛责任人'],
  [5, 'geoHazardMonitor', '地质灾害群测群防员'],
  [6, 'townshipStaff', '乡镇应急管理人员'],
  [7, 'teamLeader', '救援队长'],
  [8, 'teamMember', '救援队员'],
  [9, 'dutyOfficer', '值班员'],
  [10, 'issuer', '预警签发人'],
  [11, 'admin', '管理员'],
];

export const MAX_ROLE_CODE = 0xffff;

const byName = new Map(ROLES.map(([code, name]) => [name, code]));
const byCode = new Map(ROLES.map(([code, name, zh]) => [code, { name, zh }]));

export function roleCode(name: string): number {
  const code = byName.get(name);
  if (code === undefined) throw new TypeError(`unknown role ${name}`);
  return code;
}

export function roleByCode(code: number): { name: string; zh: string } | undefined {
  return byCode.get(code);
}

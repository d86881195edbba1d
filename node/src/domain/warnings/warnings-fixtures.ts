/**
 * A small county for the warnings tests: 长沙县 with two townships, three villages, the people who
 * answer for them, and the kits that serve them.
 */
import type { Person } from '../roster/person.js';
import { ROLES } from '../roster/roles.js';
import type { ServingKit } from './call-targets.js';

export const COUNTY = 430121;
export const TOWNSHIP_A = 430121100;
export const TOWNSHIP_B = 430121101;
export const VILLAGE_A1 = 430121100201;
export const VILLAGE_A2 = 430121100202;
export const VILLAGE_B1 = 430121101201;

export const FLOOD = ROLES['flood-responsible'].wire;
export const GRID = ROLES['grid-member'].wire;

const person = (id: number, name: string, roles: Person['roles'], areas: number[]): Person => ({
  id,
  name,
  roles,
  areas,
});

export const PEOPLE: readonly Person[] = [
  person(1, '县防指', ['flood-responsible'], [COUNTY]),
  person(2, '甲镇包村', ['flood-responsible'], [TOWNSHIP_A]),
  person(11, '甲一村责任人', ['flood-responsible', 'village-committee'], [VILLAGE_A1]),
  person(12, '甲一村网格员', ['grid-member'], [VILLAGE_A1]),
  person(13, '甲二村责任人', ['flood-responsible'], [VILLAGE_A2]),
  person(21, '乙一村责任人', ['flood-responsible'], [VILLAGE_B1]),
  person(30, '值班员', ['duty-officer'], [COUNTY]),
];

export const KITS: readonly ServingKit[] = [
  { id: 2101, area: VILLAGE_A1 },
  { id: 2102, area: VILLAGE_A2 },
  { id: 3001, area: TOWNSHIP_A },
];

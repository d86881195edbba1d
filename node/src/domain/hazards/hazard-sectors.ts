/**
 * The sectors (行业领域) a 隐患 ledger is kept by (docs/hazards.md §Types and sectors; docs/domain.md
 * §The policy behind it, seed (六): ledgers per area, per hazard type and per sector).
 *
 * The policy asks for the sector and names none; these are the departments that keep hazard
 * ledgers in a county as the Emergency Response Law and the State Council's division of
 * emergency duties give them (geology to natural resources, reservoirs and dikes to water,
 * buildings to housing, roads to transport, forest fire to forestry and grassland, hazardous
 * chemicals, mines and works to emergency management…). The list and its codes are ours: a
 * county whose ledger template names its sectors otherwise maps them onto these, or appends rows.
 * On the wire a sector is its code (docs/wire-format.md §4.8, field 10): rows are appended, never
 * renumbered, and a code this table does not know still travels and is shown as its number.
 */

export interface HazardSector {
  readonly code: number;
  readonly name: string;
  readonly zh: string;
  readonly en: string;
}

export const HAZARD_SECTORS: readonly HazardSector[] = [
  { code: 1, name: 'geology', zh: '地质灾害', en: 'Geological hazards' },
  {
    code: 2,
    name: 'waterWorks',
    zh: '水利工程（水库、堤防、山塘）',
    en: 'Water works (reservoirs, dikes, ponds)',
  },
  { code: 3, name: 'buildings', zh: '房屋建筑', en: 'Buildings and houses' },
  { code: 4, name: 'roads', zh: '交通道路桥梁', en: 'Roads and bridges' },
  { code: 5, name: 'forestFire', zh: '森林草原防火', en: 'Forest and grassland fire' },
  { code: 6, name: 'urban', zh: '城镇内涝与市政设施', en: 'Urban waterlogging and utilities' },
  { code: 7, name: 'chemicals', zh: '危险化学品', en: 'Hazardous chemicals' },
  { code: 8, name: 'mines', zh: '矿山', en: 'Mines' },
  { code: 9, name: 'works', zh: '工贸企业', en: 'Factories and trade' },
  { code: 10, name: 'fireSafety', zh: '消防安全', en: 'Fire safety' },
  { code: 11, name: 'schools', zh: '学校', en: 'Schools' },
  { code: 12, name: 'tourism', zh: '旅游景区', en: 'Tourist sites' },
  { code: 13, name: 'powerTelecom', zh: '电力通信设施', en: 'Power and telecom lines' },
  { code: 14, name: 'agriculture', zh: '农业农村', en: 'Farming and rural works' },
  { code: 31, name: 'other', zh: '其他', en: 'Other' },
];

const byCode = new Map(HAZARD_SECTORS.map((s) => [s.code, s]));

export function sectorByCode(code: number): HazardSector | undefined {
  return byCode.get(code);
}

/**
 * Hazard types of the natural disaster statistics rules (docs/domain.md §Disaster reports), with the
 * sub-types counties report. docs/wire-format.md §Code tables.
 *
 * On the wire a hazard is one integer, type × 16 + sub-type (sub-type 0: not specified), so the
 * common ones fit one CBOR byte. This is data: add rows, never renumber.
 */
export interface HazardTypeDef {
  readonly code: number;
  readonly name: string;
  readonly zh: string;
}

const types: ReadonlyArray<[number, string, string, ReadonlyArray<[number, string, string]>]> = [
  [
    1,
    'flood',
    '洪涝',
    [
      [1, 'riverFlood', '洪水'],
      [2, 'flashFlood', '山洪'],
      [3, 'waterlogging', '内涝'],
    ],
  ],
  [2, 'drought', '干旱', []],
  [3, 'typhoon', '台风', []],
  [
    4,
    'windHail',
    '风雹',
    [
      [1, 'gale', '大风'],
      [2, 'hail', '冰雹'],
      [3, 'tornado', '龙卷风'],
      [4, 'lightning', '雷电'],
    ],
  ],
  [5, 'lowTemperatureFreeze', '低温冷冻', []],
  [6, 'snow', '雪灾', []],
  [7, 'sandstorm', '沙尘暴', []],
  [8, 'earthquake', '地震', []],
  [9, 'collapse', '崩塌', []],
  [10, 'landslide', '滑坡', []],
  [11, 'debrisFlow', '泥石流', []],
  [12, 'stormSurge', '风暴潮', []],
  [13, 'tsunami', '海啸', []],
  [
    14,
    'forestGrasslandFire',
    '森林草原火灾',
    [
      [1, 'forestFire', '森林火灾'],
      [2, 'grasslandFire', '草原火灾'],
    ],
  ],
  [15, 'biological', '生物灾害', []],
  [16, 'groundSubsidence', '地面塌陷', []],
  [31, 'other', '其他', []],
];

export const HAZARD_TYPES: readonly HazardTypeDef[] = types.flatMap(([type, name, zh, subs]) => [
  { code: type * 16, name, zh },
  ...subs.map(([sub, subName, subZh]) => ({ code: type * 16 + sub, name: subName, zh: `${zh}/${subZh}` })),
]);

const byCode = new Map(HAZARD_TYPES.map((h) => [h.code, h]));
const byName = new Map(HAZARD_TYPES.map((h) => [h.name, h]));

/** Largest hazard code the wire accepts: 255 types of 16 sub-types. */
export const MAX_HAZARD_CODE = 0xfff;

export function hazardByCode(code: number): HazardTypeDef | undefined {
  return byCode.get(code);
}

export function hazardCode(name: string): number {
  const def = byName.get(name);
  if (!def) throw new TypeError(`unknown hazard type ${name}`);
  return def.code;
}

/**
 * Relief supplies and resources that requests name (docs/domain.md §The policy behind it, (十五), (十九); EDXL-RM in
 * spirit). docs/wire-format.md §Code tables. Data: append rows, never renumber.
 */
export const SUPPLY_ITEMS: ReadonlyArray<readonly [code: number, name: string, zh: string, unit: string]> = [
  [1, 'drinkingWater', '饮用水', '箱'],
  [2, 'food', '食品', '份'],
  [3, 'tent', '帐篷', '顶'],
  [4, 'quilt', '棉被', '床'],
  [5, 'clothing', '衣物', '套'],
  [6, 'medicalKit', '急救包', '个'],
  [7, 'medicine', '药品', '箱'],
  [8, 'generator', '发电机', '台'],
  [9, 'fuel', '燃油', '升'],
  [10, 'boat', '冲锋舟', '艘'],
  [11, 'lifeJacket', '救生衣', '件'],
  [12, 'sandbag', '编织袋/沙袋', '个'],
  [13, 'pump', '抽水泵', '台'],
  [14, 'satellitePhone', '卫星电话', '部'],
  [15, 'lighting', '照明设备', '套'],
  [16, 'excavator', '挖掘机', '台'],
  [17, 'ambulance', '救护车', '辆'],
  [18, 'rescueTeam', '救援队', '支'],
];

const byCode = new Map(SUPPLY_ITEMS.map(([code, name, zh, unit]) => [code, { name, zh, unit }]));

export function supplyItem(code: number): { name: string; zh: string; unit: string } | undefined {
  return byCode.get(code);
}

/**
 * The core indicators of the quick disaster report (自然灾害损失情况统计快报表), as used by the
 * report body (docs/domain.md §Disaster reports; docs/wire-format.md §Indicator sets).
 *
 * The table is data: the position of a row is its bit on the wire and must never change; new
 * indicators are appended. Where the statistics rules distinguish cumulative (累计) from current
 * (实时) figures, both are separate indicators. `scale` is how many wire units make one unit
 * (10 means one decimal place).
 */
export interface IndicatorDef {
  readonly name: string;
  readonly zh: string;
  readonly unit: string;
  readonly scale: number;
}

export const INDICATORS = [
  { name: 'affected', zh: '受灾人口', unit: '人', scale: 1 },
  { name: 'dead', zh: '因灾死亡人口', unit: '人', scale: 1 },
  { name: 'missing', zh: '因灾失踪人口', unit: '人', scale: 1 },
  { name: 'injured', zh: '因灾受伤人口', unit: '人', scale: 1 },
  { name: 'seriouslyInjured', zh: '其中重伤', unit: '人', scale: 1 },
  { name: 'evacuatedToSafety', zh: '紧急避险转移人口', unit: '人', scale: 1 },
  { name: 'relocatedCumulative', zh: '紧急转移安置人口(累计)', unit: '人', scale: 1 },
  { name: 'relocatedCurrent', zh: '紧急转移安置人口(实时)', unit: '人', scale: 1 },
  { name: 'collapsedRooms', zh: '倒塌房屋', unit: '间', scale: 1 },
  { name: 'collapsedHouseholds', zh: '倒塌房屋', unit: '户', scale: 1 },
  { name: 'severelyDamagedRooms', zh: '严重损坏房屋', unit: '间', scale: 1 },
  { name: 'severelyDamagedHouseholds', zh: '严重损坏房屋', unit: '户', scale: 1 },
  { name: 'relocatedCentralised', zh: '其中集中安置', unit: '人', scale: 1 },
  { name: 'relocatedDispersed', zh: '其中分散安置', unit: '人', scale: 1 },
  { name: 'shelterSites', zh: '集中安置点数量', unit: '个', scale: 1 },
  { name: 'needReliefCumulative', zh: '需紧急生活救助人口(累计)', unit: '人', scale: 1 },
  { name: 'needReliefCurrent', zh: '需紧急生活救助人口(实时)', unit: '人', scale: 1 },
  { name: 'needTransitionalRelief', zh: '需过渡期生活救助人口', unit: '人', scale: 1 },
  { name: 'droughtRelief', zh: '因旱需生活救助人口', unit: '人', scale: 1 },
  { name: 'drinkingWaterDifficulty', zh: '其中饮水困难', unit: '人', scale: 1 },
  { name: 'moderatelyDamagedRooms', zh: '一般损坏房屋', unit: '间', scale: 1 },
  { name: 'moderatelyDamagedHouseholds', zh: '一般损坏房屋', unit: '户', scale: 1 },
  { name: 'cropsAffectedHa', zh: '农作物受灾面积', unit: '公顷', scale: 10 },
  { name: 'cropsDamagedHa', zh: '农作物成灾面积', unit: '公顷', scale: 10 },
  { name: 'cropsLostHa', zh: '农作物绝收面积', unit: '公顷', scale: 10 },
  { name: 'livestockDead', zh: '死亡牲畜', unit: '头只', scale: 1 },
  { name: 'roadsDamagedKm', zh: '受损公路', unit: '公里', scale: 10 },
  { name: 'telecomLinesDamagedKm', zh: '受损通信线路', unit: '公里', scale: 10 },
  { name: 'baseStationsDamaged', zh: '受损通信基站', unit: '座', scale: 1 },
  { name: 'powerLinesDamagedKm', zh: '受损电力线路', unit: '公里', scale: 10 },
  { name: 'reservoirsDamaged', zh: '受损水库', unit: '座', scale: 1 },
  { name: 'dikesDamagedKm', zh: '受损堤防', unit: '公里', scale: 10 },
  { name: 'schoolsDamaged', zh: '受损学校', unit: '所', scale: 1 },
  { name: 'hospitalsDamaged', zh: '受损医疗卫生机构', unit: '所', scale: 1 },
  { name: 'directLossWanYuan', zh: '直接经济损失', unit: '万元', scale: 10 },
] as const satisfies readonly IndicatorDef[];

export type IndicatorName = (typeof INDICATORS)[number]['name'];
export type IndicatorSet = Partial<Record<IndicatorName, number>>;

/** Largest value of one indicator in wire units: far above any real count, small enough to be exact. */
export const MAX_INDICATOR_UNITS = 2 ** 40;

/**
 * The incidents as a CSV table with the quick-report form's columns (docs/reports.md §Export;
 * docs/domain.md §Indicators): one row per incident (its standing figures) or one per version (the
 * figures after it), Chinese headers, times on the county clock with their offset.
 */
import { hazardByCode } from '../../wire/codes/hazard-types.js';
import type { CUTS, NEEDS } from '../../wire/kinds/report.js';
import { countyTime } from '../county-time.js';
import { areaAt } from './area-levels.js';
import { csvDocument, neutraliseFormula } from './csv.js';
import { figuresAfter } from './figures.js';
import { type Incident, isExercise, type ReportVersion } from './incident.js';
import { INDICATOR_NAMES, indicatorHeader } from './indicators.js';
import type { ReportRules } from './report-rules.js';

export const STAGE_ZH = { initial: '初报', update: '续报', final: '核报' } as const;
export const TYPE_ZH = { natural: '自然灾害', workplace: '生产安全事故' } as const;
export const CUTS_ZH: Readonly<Record<(typeof CUTS)[number], string>> = {
  road: '断路',
  power: '断电',
  water: '断水',
  telecom: '断网',
};
export const NEEDS_ZH: Readonly<Record<(typeof NEEDS)[number], string>> = {
  drinkingWater: '饮用水',
  food: '食品',
  shelter: '住所',
  medical: '医疗',
  clothing: '衣被',
  rescue: '救援',
  evacuationTransport: '转移运输',
  power: '电力',
  communication: '通信',
};

export interface QuickReportCsvOptions {
  /** latest: one row per incident; versions: one per report. Default latest. */
  readonly rows?: 'latest' | 'versions';
  /** Export drills instead of real incidents. Default false. */
  readonly exercise?: boolean;
  /** The name of roster person `index` of kit `node`, when known; else the index is written. */
  readonly reporterName?: (node: number, index: number) => string | undefined;
}

export const QUICK_REPORT_HEADERS: readonly string[] = [
  '灾害过程编号',
  '版本',
  '报告阶段',
  '演练',
  '事件类型',
  '灾种',
  '行政区划代码',
  '乡镇代码',
  '报送节点',
  '报告人',
  '报送时间',
  '数据截至时间',
  '灾害发生时间',
  ...INDICATOR_NAMES.map(indicatorHeader),
  '四断情况',
  '急需',
  '纬度',
  '经度',
  '情况说明',
];

export function quickReportCsv(
  incidents: readonly Incident[],
  rules: ReportRules,
  options: QuickReportCsvOptions = {},
): string {
  const clock = countyTime(rules.timeZone);
  const time = (ms: number | undefined) => (ms === undefined ? '' : clock.formatIso(ms));
  const rows: string[][] = [[...QUICK_REPORT_HEADERS]];
  const ordered = [...incidents]
    .filter((i) => i.versions.length > 0 && isExercise(i) === (options.exercise ?? false))
    .sort(
      (a, b) => (a.versions[0]?.createdAt ?? 0) - (b.versions[0]?.createdAt ?? 0) || a.id.localeCompare(b.id),
    );
  for (const incident of ordered) {
    const indices =
      options.rows === 'versions' ? incident.versions.map((_, i) => i) : [incident.versions.length - 1];
    for (const index of indices) {
      const v = incident.versions[index] as ReportVersion;
      const b = v.body;
      const figures = figuresAfter(incident, index + 1);
      const reporter =
        b.reporter === undefined ? '' : (options.reporterName?.(v.origin, b.reporter) ?? String(b.reporter));
      rows.push([
        incident.id,
        String(index + 1),
        STAGE_ZH[b.stage],
        v.exercise ? '是' : '否',
        TYPE_ZH[incident.type],
        hazardByCode(b.hazard)?.zh ?? `灾种${b.hazard}`,
        v.area === undefined ? '' : String(v.area),
        v.area === undefined ? '' : String(areaAt(v.area, 'township') ?? ''),
        String(v.origin),
        neutraliseFormula(reporter),
        time(v.createdAt),
        time(b.asOf === undefined ? undefined : b.asOf * 1000),
        time(incident.startedAt),
        ...INDICATOR_NAMES.map((n) => (figures[n] === undefined ? '' : String(figures[n]))),
        (b.cuts ?? []).map((c) => CUTS_ZH[c]).join('、'),
        (b.needs ?? []).map((n) => NEEDS_ZH[n]).join('、'),
        b.point === undefined ? '' : String(b.point.lat),
        b.point === undefined ? '' : String(b.point.lon),
        neutraliseFormula(b.note ?? ''),
      ]);
    }
  }
  return csvDocument(rows);
}

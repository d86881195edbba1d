/**
 * The 隐患 ledger as a CSV table (docs/hazards.md §Export): one row per hazard, Chinese headers, as
 * the reports' quick-report CSV is written (docs/reports.md §Export: UTF-8 with a byte-order mark,
 * CRLF, RFC 4180 quoting, typed text kept from running as a formula), times on the county clock
 * with their offset. Who reported, verified, handled and closed it are named as the roster names
 * them, by roster id where it does not.
 */
import { hazardByCode } from '../../wire/codes/hazard-types.js';
import { countyTime } from '../county-time.js';
import { csvDocument, neutraliseFormula } from '../reports/csv.js';
import type { HazardSeverity, HazardStep, HazardView } from './hazard.js';
import { STATUS_ZH } from './hazard-draft.js';
import { sectorByCode } from './hazard-sectors.js';
import type { HazardStatus } from './hazard-status.js';

export const SEVERITY_ZH: Readonly<Record<HazardSeverity, string>> = {
  low: '一般',
  medium: '较大',
  high: '重大',
  critical: '特别重大',
};

export interface HazardCsvOptions {
  /** The county's zone. Default Asia/Shanghai. */
  timeZone?: string;
  /** A person's name by roster id, if the roster has them. */
  personName?: (id: number) => string | undefined;
  /** An area's name, if the roster names it. */
  areaName?: (code: number) => string | undefined;
}

const HEADERS = [
  '隐患编号',
  '演练',
  '隐患类型',
  '灾种代码',
  '行业领域',
  '严重程度',
  '状态',
  '行政区划代码',
  '地区',
  '上报节点',
  '上报人',
  '上报时间',
  '核实人',
  '核实时间',
  '处置人',
  '处置时间',
  '销号人',
  '销号时间',
  '威胁人数',
  '威胁户数',
  '纬度',
  '经度',
  '照片(张)',
  '隐患描述',
  '最新说明',
];

export function hazardCsv(hazards: readonly HazardView[], o: HazardCsvOptions = {}): string {
  const clock = countyTime(o.timeZone);
  const who = (id: number | undefined) =>
    id === undefined ? '' : neutraliseFormula(o.personName?.(id) ?? `#${id}`);
  const when = (ms: number | undefined) => (ms === undefined ? '' : clock.formatIso(ms));
  const num = (n: number | undefined) => (n === undefined ? '' : String(n));
  const rows = hazards.map((h) => {
    const step = (s: HazardStatus) => firstApplied(h.steps, s);
    const latestNote = [...h.steps]
      .reverse()
      .find((s) => s.note !== undefined && s.refused === undefined)?.note;
    return [
      h.id,
      h.exercise ? '是' : '否',
      hazardByCode(h.hazard)?.zh ?? String(h.hazard),
      String(h.hazard),
      h.sector === undefined ? '' : (sectorByCode(h.sector)?.zh ?? String(h.sector)),
      SEVERITY_ZH[h.severity],
      STATUS_ZH[h.status],
      num(h.area),
      h.area === undefined ? '' : neutraliseFormula(o.areaName?.(h.area) ?? ''),
      String(h.node),
      who(h.reportedBy),
      when(h.reportedAt),
      who(step('verified')?.by),
      when(step('verified')?.at),
      who(step('handled')?.by),
      when(step('handled')?.at),
      who(step('closed')?.by),
      when(step('closed')?.at),
      num(h.peopleAtRisk),
      num(h.householdsAtRisk),
      h.point === undefined ? '' : String(h.point.lat),
      h.point === undefined ? '' : String(h.point.lon),
      String(h.photos),
      neutraliseFormula(h.description ?? ''),
      neutraliseFormula(latestNote ?? ''),
    ];
  });
  return csvDocument([HEADERS, ...rows]);
}

/** The first applied step that reached `status`. */
function firstApplied(steps: readonly HazardStep[], status: HazardStatus): HazardStep | undefined {
  return steps.find((s) => s.status === status && s.refused === undefined);
}

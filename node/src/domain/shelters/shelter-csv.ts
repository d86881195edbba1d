/**
 * The shelter figures as a CSV table (docs/shelters.md §Export): one row per shelter and a total,
 * Chinese headers, written as the reports' CSV is (docs/reports.md §Export: UTF-8 with a byte-order
 * mark, CRLF, RFC 4180 quoting, configured names kept from running as a formula), times on the
 * county clock with their offset. Counts and places only: never a person's name or registration id.
 */
import { countyTime } from '../county-time.js';
import { csvDocument, neutraliseFormula } from '../reports/csv.js';
import type { ShelterView } from './shelter.js';
import { shelterTotals } from './shelter-figures.js';

const HEADERS = [
  '安置点编号',
  '安置点名称',
  '行政区划代码',
  '地区',
  '纬度',
  '经度',
  '容纳人数',
  '紧急转移安置人口(实时)(人)',
  '紧急转移安置人口(累计)(人)',
  '已离开(人)',
  '逐人登记在点(人)',
  '最近清点时间',
  '清点节点',
];

export interface ShelterCsvOptions {
  /** The county's zone. Default Asia/Shanghai. */
  timeZone?: string;
  areaName?: (code: number) => string | undefined;
}

export function shelterCsv(shelters: readonly ShelterView[], o: ShelterCsvOptions = {}): string {
  const clock = countyTime(o.timeZone);
  const num = (n: number | undefined) => (n === undefined ? '' : String(n));
  const rows = shelters.map((s) => [
    String(s.number),
    neutraliseFormula(s.name),
    num(s.area),
    s.area === undefined ? '' : neutraliseFormula(o.areaName?.(s.area) ?? ''),
    num(s.point?.lat),
    num(s.point?.lon),
    num(s.capacity),
    String(s.present),
    String(s.arrived),
    String(Math.max(0, s.arrived - s.present)),
    String(s.checkedIn),
    s.countedAt === undefined ? '' : clock.formatIso(s.countedAt),
    num(s.countedBy),
  ]);
  const { total } = shelterTotals(shelters, 'county');
  const sum = [
    '合计',
    `${total.shelterSites}/${total.shelters} 个安置点有人`,
    '',
    '',
    '',
    '',
    String(total.capacity),
    String(total.relocatedCurrent),
    String(total.relocatedCumulative),
    String(Math.max(0, total.relocatedCumulative - total.relocatedCurrent)),
    String(shelters.reduce((n, s) => n + s.checkedIn, 0)),
    '',
    '',
  ];
  return csvDocument([HEADERS, ...rows, sum]);
}

/**
 * The request book as a CSV table (docs/requests.md §Export): one row per request, Chinese headers,
 * written as the reports' CSV is (docs/reports.md §Export, node/src/domain/reports/csv.ts), times on
 * the county clock with their offset, people by roster name where the roster has them.
 */
import { supplyItem } from '../../wire/codes/supply-items.js';
import { countyTime } from '../county-time.js';
import { csvDocument, neutraliseFormula } from '../reports/csv.js';
import type { RequestView, SupplyLine } from './request.js';
import { STATUS_ZH } from './request-status.js';

export const TYPE_ZH: Readonly<Record<RequestView['type'], string>> = {
  rescue: '救援',
  medical: '医疗',
  supplies: '物资',
  evacuation: '转移',
  other: '其他',
};

export const URGENCY_ZH: Readonly<Record<RequestView['urgency'], string>> = {
  routine: '一般',
  urgent: '紧急',
  immediate: '特急',
};

const HEADERS = [
  '请求编号',
  '演练',
  'SOS',
  '类型',
  '紧急程度',
  '状态',
  '地区',
  '请求节点',
  '请求人',
  '请求时间',
  '人数',
  '所需物资',
  '已承诺物资',
  '预计到达',
  '答复人',
  '答复时间',
  '说明',
];

export function requestCsv(
  requests: readonly RequestView[],
  o: {
    timeZone?: string;
    personName?: (id: number) => string | undefined;
    areaName?: (code: number) => string | undefined;
  } = {},
): string {
  const clock = countyTime(o.timeZone);
  const who = (id: number | undefined) =>
    id === undefined ? '' : neutraliseFormula(o.personName?.(id) ?? `#${id}`);
  const when = (ms: number | undefined) => (ms === undefined ? '' : clock.formatIso(ms));
  const rows = requests.map((r) => [
    r.id,
    r.exercise ? '是' : '否',
    r.sos ? '是' : '否',
    TYPE_ZH[r.type],
    URGENCY_ZH[r.urgency],
    STATUS_ZH[r.status],
    r.area === undefined ? '' : neutraliseFormula(o.areaName?.(r.area) ?? String(r.area)),
    String(r.node),
    who(r.requestedBy),
    when(r.requestedAt),
    r.people === undefined ? '' : String(r.people),
    lines(r.items),
    lines(r.committed),
    when(r.eta),
    who(r.answeredBy),
    when(r.answeredAt),
    neutraliseFormula(r.note ?? ''),
  ]);
  return csvDocument([HEADERS, ...rows]);
}

function lines(items: readonly SupplyLine[]): string {
  return items
    .map((l) => {
      const s = supplyItem(l.item);
      return s === undefined ? `#${l.item}×${l.quantity}` : `${s.zh}${l.quantity}${s.unit}`;
    })
    .join('；');
}

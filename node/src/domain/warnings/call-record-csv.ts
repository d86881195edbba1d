/**
 * A warning's closed-loop record as CSV (docs/warnings.md §The record): one row per call, with
 * every state's time on the county's clock, what the person reported, and each escalation step;
 * the file opens in Excel and WPS as the reports' CSV does (docs/reports.md §Export).
 */
import type { CountyTime } from '../county-time.js';
import { csvDocument, neutraliseFormula } from '../reports/csv.js';
import type { AreaCode } from '../roster/area-code.js';
import type { RosterId } from '../roster/person.js';
import type { Call, CallState, EscalationStep } from './call.js';

const STATE_ZH: Record<CallState, string> = {
  sent: '已下发',
  delivered: '已送达',
  acknowledged: '已叫应',
  acted: '已行动',
};

const STEP_ZH: Record<EscalationStep, string> = { resent: '重发', realarmed: '再次告警', superior: '报上级' };

const HEADER = [
  '演练 drill',
  '预警 warning',
  '姓名 name',
  '区域 area',
  '站点 kit',
  '状态 state',
  '下发 sent',
  '送达 delivered',
  '叫应 acknowledged',
  '行动 acted',
  '转移人数 evacuated',
  '通知人数 notified',
  '升级 escalation',
  '说明 note',
];

export interface CallRecordNames {
  person(id: RosterId): string | undefined;
  area(code: AreaCode): string;
}

/**
 * The record of `calls` (one warning's, or several), in the order given. A drill's rows say 演练 in
 * their first column, so a record of a drill is never taken for a real one (docs/warnings.md §The record).
 */
export function callRecordCsv(
  calls: readonly Call[],
  names: CallRecordNames,
  clock: CountyTime,
  isDrill: (warning: string) => boolean = () => false,
): string {
  const time = (t: number | undefined) => (t === undefined ? '' : clock.formatLocal(t));
  const rows = calls.map((c) => [
    isDrill(c.warning) ? '演练' : '',
    c.warning,
    neutraliseFormula(names.person(c.person) ?? `#${c.person}`) +
      (c.escalatedFrom === undefined ? '' : ` (上级 of #${c.escalatedFrom})`) +
      (c.uncalled ? ' (未点名)' : ''),
    names.area(c.area),
    c.kit === undefined ? '' : String(c.kit),
    STATE_ZH[c.state],
    time(c.at.sent),
    time(c.at.delivered),
    time(c.at.acknowledged),
    time(c.at.acted),
    c.evacuated === undefined ? '' : String(c.evacuated),
    c.notified === undefined ? '' : String(c.notified),
    c.steps.map((s) => `${STEP_ZH[s.step]} ${time(s.at)}`).join('; '),
    c.note === undefined ? '' : neutraliseFormula(c.note),
  ]);
  return csvDocument([HEADER, ...rows]);
}

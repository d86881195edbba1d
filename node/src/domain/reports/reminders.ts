/**
 * What a kit is told, and when, about the reports it owes, and the centre's list of what is overdue
 * (docs/reports.md §Reminders and the overdue list). Pure functions of the incidents, the rules and
 * the time, over the deadline calendar (deadline-calendar.ts).
 *
 * A duty not yet met gives one reminder `lead` before its deadline for each lead in
 * `reminderLeadsMs` (30 min by default) and one when it becomes overdue, 1 ms after the deadline
 * (a report made at the deadline itself is in time). A
 * scheduler asks {@link nextReminderAt} when to wake and {@link remindersDue} what to say then: a
 * reminder falls due once, in the one interval (since, now] that holds it, and is dropped if the
 * report was filed meanwhile.
 */
import { hazardByCode } from '../../wire/codes/hazard-types.js';
import { countyTime } from '../county-time.js';
import { type DeadlineEntry, type Duty, deadlineCalendar } from './deadline-calendar.js';
import { type Incident, type IncidentId, incidentArea, incidentHazard } from './incident.js';
import type { ReportRules } from './report-rules.js';

export interface Reminder {
  /** When to tell, unix ms. */
  readonly at: number;
  /** soon: the deadline is `leadMs` away; overdue: it has passed. */
  readonly kind: 'soon' | 'overdue';
  readonly leadMs: number;
  readonly entry: DeadlineEntry;
  readonly zh: string;
  readonly en: string;
}

export interface OverdueItem {
  readonly incidentId: IncidentId;
  readonly duty: Duty;
  /** The earliest deadline missed. */
  readonly since: number;
  /** How many deadlines of this duty are missed (several days of 续报). */
  readonly missed: number;
  readonly overdueMs: number;
  readonly node?: number;
  readonly area?: number;
  readonly hazard?: number;
}

const DUTY = {
  initial: { zh: '初报', en: 'initial report (初报)' },
  update: { zh: '续报', en: 'update (续报)' },
  final: { zh: '核报', en: 'final report (核报)' },
} as const;

function reminderOf(
  entry: DeadlineEntry,
  kind: Reminder['kind'],
  leadMs: number,
  incident: Incident | undefined,
  rules: ReportRules,
): Reminder {
  const clock = countyTime(rules.timeZone);
  const hazardCode = incident === undefined ? undefined : incidentHazard(incident);
  const hazard = hazardCode === undefined ? undefined : hazardByCode(hazardCode);
  const what = {
    zh: `${DUTY[entry.duty].zh}${entry.day === undefined ? '' : `（${entry.day} 24时数据）`}`,
    en: `${DUTY[entry.duty].en}${entry.day === undefined ? '' : ` with figures to the end of ${entry.day}`}`,
  };
  const subject = {
    zh: `灾害过程${entry.incidentId}${hazard ? `（${hazard.zh}）` : ''}`,
    en: `incident ${entry.incidentId}${hazard ? ` (${hazard.name})` : ''}`,
  };
  const due = { zh: clock.formatShort(entry.due), en: clock.formatIso(entry.due) };
  const minutes = Math.round(leadMs / 60_000);
  return {
    // A deadline is met by a report made at the deadline itself: it is overdue 1 ms later.
    at: kind === 'soon' ? entry.due - leadMs : entry.due + 1,
    kind,
    leadMs,
    entry,
    zh:
      kind === 'soon'
        ? `${subject.zh}：${what.zh}应于${due.zh}前报送，还有${minutes}分钟`
        : `${subject.zh}：${what.zh}应于${due.zh}前报送，已超时，请立即报送`,
    en:
      kind === 'soon'
        ? `${subject.en}: the ${what.en} is due by ${due.en}, in ${minutes} min`
        : `${subject.en}: the ${what.en} was due by ${due.en} and is overdue: file it now`,
  };
}

/** Every reminder of the duties still open at `now`, the ones already past included. */
function allReminders(incidents: readonly Incident[], rules: ReportRules, now: number): Reminder[] {
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const out: Reminder[] = [];
  for (const entry of deadlineCalendar(incidents, rules, now)) {
    if (entry.status !== 'pending' && entry.status !== 'overdue') continue;
    const incident = byId.get(entry.incidentId);
    for (const lead of rules.reminderLeadsMs) out.push(reminderOf(entry, 'soon', lead, incident, rules));
    out.push(reminderOf(entry, 'overdue', 0, incident, rules));
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The reminders whose time is in (since, now], for duties still not met at `now`; a "soon" one whose
 * deadline has passed by `now` is left out (the overdue one says more).
 */
export function remindersDue(
  incidents: readonly Incident[],
  rules: ReportRules,
  since: number,
  now: number,
): Reminder[] {
  return allReminders(incidents, rules, now).filter(
    (r) => r.at > since && r.at <= now && (r.kind === 'overdue' || r.entry.due > now),
  );
}

/** When the next reminder falls due after `now`, if any. */
export function nextReminderAt(
  incidents: readonly Incident[],
  rules: ReportRules,
  now: number,
): number | undefined {
  return allReminders(incidents, rules, now).find((r) => r.at > now)?.at;
}

/** The centre's overdue list at `now`: one line per incident and duty, the longest overdue first. */
export function overdueList(incidents: readonly Incident[], rules: ReportRules, now: number): OverdueItem[] {
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const items = new Map<string, { -readonly [K in keyof OverdueItem]: OverdueItem[K] }>();
  for (const e of deadlineCalendar(incidents, rules, now)) {
    if (e.status !== 'overdue') continue;
    const key = `${e.incidentId} ${e.duty}`;
    const item = items.get(key);
    if (item !== undefined) {
      item.missed++;
      continue;
    }
    const incident = byId.get(e.incidentId);
    const area = incident && incidentArea(incident);
    const hazard = incident && incidentHazard(incident);
    items.set(key, {
      incidentId: e.incidentId,
      duty: e.duty,
      since: e.due,
      missed: 1,
      overdueMs: now - e.due,
      ...(e.node === undefined ? {} : { node: e.node }),
      ...(area === undefined ? {} : { area }),
      ...(hazard === undefined ? {} : { hazard }),
    });
  }
  return [...items.values()].sort((a, b) => a.since - b.since || a.incidentId.localeCompare(b.incidentId));
}

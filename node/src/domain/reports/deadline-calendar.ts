/**
 * What is due when for each incident, and whether it was met (docs/reports.md §Deadlines;
 * docs/domain.md §Disaster reports). A pure function of the incidents, the rules and the time
 * `now`: no clock is read, so any day and any zone can be tested.
 *
 * - 初报: due `initialWithinMs` after the disaster began (2 h; 1 h for a workplace accident); met by
 *   the 初报's creation time. Not judged when the start is unknown (the wire does not carry it).
 * - 续报: every `updateEveryDays` (1; 10 for drought) from the day of the 初报, due at
 *   `updateDueAt` (09:00) on the county clock the day after, with figures to 24:00 of that day.
 *   A report whose figures reach 24:00 of that day (its `asOf`, else its creation time) meets it,
 *   late if created after the deadline; a later report meets every earlier day still open, since
 *   its figures are to date. Listed while the incident is open: up to its stabilisation or 核报,
 *   whichever is first, and no further than the first one not yet due and not yet met.
 * - 核报: due by 24:00 of the `finalWithinDays`th day after the situation stabilised.
 */
import { countyTime } from '../county-time.js';
import {
  figuresTime,
  finalVersion,
  type Incident,
  type IncidentId,
  incidentHazard,
  initialVersion,
  type ReportVersion,
  reportingNode,
  versionId,
} from './incident.js';
import { type ReportRules, updateEveryDays } from './report-rules.js';

export type Duty = 'initial' | 'update' | 'final';
/** pending: not yet due; overdue: due and not filed; met: filed in time; late: filed after. */
export type DutyStatus = 'pending' | 'overdue' | 'met' | 'late';

export interface DeadlineEntry {
  readonly incidentId: IncidentId;
  readonly duty: Duty;
  /** The deadline, unix ms. */
  readonly due: number;
  /** For a 续报: the county date whose figures, to its 24:00, are due ("2026-07-14"). */
  readonly day?: string;
  readonly status: DutyStatus;
  /** The report that met it ("origin/seq"), and when it was created, unix ms. */
  readonly metBy?: string;
  readonly metAt?: number;
  /** The kit that files it. */
  readonly node?: number;
}

/** The deadlines of every incident, by due time (then incident id). */
export function deadlineCalendar(
  incidents: readonly Incident[],
  rules: ReportRules,
  now: number,
): DeadlineEntry[] {
  return incidents
    .flatMap((i) => incidentDeadlines(i, rules, now))
    .sort((a, b) => a.due - b.due || a.incidentId.localeCompare(b.incidentId));
}

export function incidentDeadlines(incident: Incident, rules: ReportRules, now: number): DeadlineEntry[] {
  const clock = countyTime(rules.timeZone);
  const limits = rules.deadlines[incident.type];
  const node = reportingNode(incident);
  const entry = (duty: Duty, due: number, met: ReportVersion | undefined, day?: string): DeadlineEntry => {
    const e: { -readonly [K in keyof DeadlineEntry]: DeadlineEntry[K] } = {
      incidentId: incident.id,
      duty,
      due,
      status: met ? (met.createdAt <= due ? 'met' : 'late') : now > due ? 'overdue' : 'pending',
    };
    if (day !== undefined) e.day = day;
    if (met) {
      e.metBy = versionId(met);
      e.metAt = met.createdAt;
    }
    if (node !== undefined) e.node = node;
    return e;
  };

  const out: DeadlineEntry[] = [];
  const initial = initialVersion(incident);
  if (incident.startedAt !== undefined)
    out.push(entry('initial', incident.startedAt + limits.initialWithinMs, initial));

  const final = finalVersion(incident);
  const every = updateEveryDays(rules, incident.type, incidentHazard(incident));
  const anchor = initial ?? earliest(incident.versions);
  if (every > 0 && anchor !== undefined) {
    const stops = [incident.stabilisedAt, final?.createdAt].filter((t): t is number => t !== undefined);
    const stop = stops.length > 0 ? Math.min(...stops) : undefined;
    const byCreation = [...incident.versions].sort((a, b) => a.createdAt - b.createdAt);
    let ahead = 0;
    for (let day = clock.dayOf(anchor.createdAt); ; day += every) {
      const due = clock.atLocal(day + 1, rules.updateDueAt.hour, rules.updateDueAt.minute);
      if (stop !== undefined && due > stop) break;
      const endOfDay = clock.atLocal(day + 1, 0);
      const met = byCreation.find((v) => figuresTime(v) >= endOfDay);
      const e = entry('update', due, met, clock.dateOfDay(day));
      out.push(e);
      // Met ahead of time only by figures dated in the future: stop there all the same.
      if (due > now && (e.status === 'pending' || ++ahead >= MAX_AHEAD)) break;
    }
  }

  if (incident.stabilisedAt !== undefined && limits.finalWithinDays > 0) {
    const due = clock.atLocal(clock.dayOf(incident.stabilisedAt) + limits.finalWithinDays + 1, 0);
    out.push(entry('final', due, final));
  }
  return out;
}

/** 续报 listed beyond `now` at most, should reports be dated ahead of it. */
const MAX_AHEAD = 3;

function earliest(versions: readonly ReportVersion[]): ReportVersion | undefined {
  let first: ReportVersion | undefined;
  for (const v of versions) if (first === undefined || v.createdAt < first.createdAt) first = v;
  return first;
}

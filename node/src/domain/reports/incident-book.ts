/**
 * The incidents of one node and what is done with them (docs/reports.md): the entry point the
 * HTTP API and the UI will call. It owns nothing but the order of changes: the logic is in the pure
 * functions it calls (incident-chain.ts, report-validation.ts, deadline-calendar.ts,
 * reminders.ts, aggregate.ts, the exports), and the incidents are in an {@link IncidentLedger}.
 *
 * At a kit, a report is checked with {@link IncidentBook.prepare}, submitted to the node's core by
 * the caller, and the message it became is then recorded with {@link IncidentBook.record}. At the
 * centre, every report message delivered is recorded as it comes, whatever it holds: it was sent,
 * and what it lacks (a reason for a jump) is reported beside it.
 */
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import type { MessageOf } from '../../wire/message.js';
import { type AggregateOptions, type AreaTotals, aggregate } from './aggregate.js';
import type { AreaLevel } from './area-levels.js';
import { type DeadlineEntry, deadlineCalendar } from './deadline-calendar.js';
import type { IndicatorChange } from './figures.js';
import {
  type Incident,
  type IncidentId,
  type IncidentType,
  incidentOfReport,
  isClosed,
  isOpenedId,
  openedIncidentId,
  type ReportVersion,
  reportingNode,
  versionId,
} from './incident.js';
import {
  addVersion,
  adoptOpened,
  openIncident,
  versionOf,
  withStabilisedAt,
  withStartedAt,
  withType,
} from './incident-chain.js';
import { withFactsOf } from './incident-facts.js';
import type { IncidentLedger } from './incident-ledger.js';
import { type IncidentFeatureCollection, incidentsGeoJson } from './incidents-geojson.js';
import { type QuickReportCsvOptions, quickReportCsv } from './quick-report-csv.js';
import { nextReminderAt, type OverdueItem, overdueList, type Reminder, remindersDue } from './reminders.js';
import { DEFAULT_REPORT_RULES, type ReportRules } from './report-rules.js';
import {
  type PreparedReport,
  prepareReport,
  type ReportDraft,
  unexplainedChanges,
} from './report-validation.js';
import { zeroReport } from './zero-report.js';

export interface IncidentBookOptions {
  /** Where the incidents are kept. */
  readonly ledger: IncidentLedger;
  /** Thresholds, deadlines, time zone. Default DEFAULT_REPORT_RULES. */
  readonly rules?: ReportRules;
  readonly log: Logger;
  /** The own area of a reporting kit, for reports that name none. Default: unknown. */
  readonly kitArea?: (node: number) => number | undefined;
  /** The time, unix ms. Default Date.now. */
  readonly now?: () => number;
}

export interface Recorded {
  readonly incident: Incident;
  /** False when the report was here already (a duplicate changes nothing). */
  readonly added: boolean;
  /** The report's version number in its incident's chain (1 for the 初报 once it is here). */
  readonly version: number;
  /** Changes it made that needed a written reason and came without one. */
  readonly unexplained: readonly IndicatorChange[];
}

export class IncidentBook {
  readonly #ledger: IncidentLedger;
  readonly #rules: ReportRules;
  readonly #log: Logger;
  readonly #kitArea: (node: number) => number | undefined;
  readonly #now: () => number;
  /**
   * Changes are made one at a time: each reads what the one before applied. The lock is let go
   * once a change is applied to the ledger, not once it is kept there, so changes made together
   * share the ledger's write (§Storage).
   */
  #serial: Promise<unknown> = Promise.resolve();
  /** The last change made, settled: changes resolve in the order they were made. */
  #settled: Promise<unknown> = Promise.resolve();

  constructor(options: IncidentBookOptions) {
    this.#ledger = options.ledger;
    this.#rules = options.rules ?? DEFAULT_REPORT_RULES;
    this.#log = options.log.child({ module: 'incidents' });
    this.#kitArea = options.kitArea ?? (() => undefined);
    this.#now = options.now ?? Date.now;
  }

  get rules(): ReportRules {
    return this.#rules;
  }

  list(): Promise<readonly Incident[]> {
    return this.#ledger.all();
  }

  /** The incident `id`; REPORT_INCIDENT_UNKNOWN if there is none. */
  async get(id: IncidentId): Promise<Incident> {
    const incident = await this.#ledger.get(id);
    if (incident === undefined)
      throw new KitError('REPORT_INCIDENT_UNKNOWN', `no incident ${id}: list the incidents to find its id`);
    return incident;
  }

  /** Opens an incident at kit `node` ahead of its 初报, so that the 初报's deadline runs. */
  open(p: {
    readonly node: number;
    readonly type: IncidentType;
    readonly hazard?: number;
    readonly area?: number;
    readonly startedAt: number;
  }): Promise<Incident> {
    return this.#change(async () => {
      const prefix = openedIncidentId(p.node, 0).slice(0, -1);
      const taken = (await this.#ledger.all())
        .filter((i) => i.id.startsWith(prefix))
        .map((i) => Number(i.id.slice(prefix.length)));
      const incident = openIncident({ ...p, n: Math.max(0, ...taken) + 1 });
      const kept = this.#ledger.apply({ put: [incident] }).then(() => {
        this.#log.info({ incident: incident.id, type: p.type, startedAt: p.startedAt }, 'incident opened');
      });
      return { value: incident, kept };
    });
  }

  /** Checks a draft as the next report of incident `id` (undefined for a 初报 with no opened incident). */
  async prepare(id: IncidentId | undefined, draft: ReportDraft): Promise<PreparedReport> {
    return prepareReport(id === undefined ? undefined : await this.get(id), draft, this.#rules);
  }

  /** The zero report (零报告) of incident `id` now. */
  async prepareZero(id: IncidentId, reporter?: number): Promise<PreparedReport> {
    return zeroReport(await this.get(id), this.#rules, this.#now(), reporter);
  }

  /**
   * Records a report message, filed here or received. `opened`: the incident opened ahead of this
   * 初报, which it now continues under the 初报's id.
   */
  record(message: MessageOf<'report'>, options: { readonly opened?: IncidentId } = {}): Promise<Recorded> {
    return this.#change(async () => {
      const version = versionOf(message, this.#now(), this.#kitArea(message.origin));
      const before = await this.#ledger.get(incidentOfReport(version));
      let { incident, added } = addVersion(before, version);
      const remove: IncidentId[] = [];
      if (options.opened !== undefined && message.body.stage === 'initial' && isOpenedId(options.opened)) {
        const opened = await this.#ledger.get(options.opened);
        if (opened !== undefined) {
          incident = adoptOpened(opened, incident);
          remove.push(opened.id);
          added = true;
        }
      }
      const index = incident.versions.findIndex((v) => v.origin === version.origin && v.seq === version.seq);
      if (added) incident = withFactsOf(incident, incident.versions[index] as ReportVersion);
      const unexplained = unexplainedChanges(incident, index, this.#rules);
      const value = { incident, added, version: index + 1, unexplained };
      if (!added) {
        this.#log.debug({ incident: incident.id, report: versionId(version) }, 'report already recorded');
        return { value };
      }
      const kept = this.#ledger.apply({ put: [incident], remove }).then(() => {
        this.#log.info(
          {
            incident: incident.id,
            report: versionId(version),
            stage: message.body.stage,
            version: index + 1,
            ...(unexplained.length > 0 ? { unexplained: unexplained.map((c) => c.name) } : {}),
          },
          isClosed(incident) && message.body.stage === 'final'
            ? 'report recorded; incident closed'
            : 'report recorded',
        );
      });
      return { value, kept };
    });
  }

  /** Sets when the disaster began (the 初报 is due from then). */
  setStartedAt(id: IncidentId, at: number): Promise<Incident> {
    return this.#update(id, (i) => withStartedAt(i, at), { startedAt: at }, 'start time set');
  }

  /** Declares the situation stable at `at` (now by default): 续报 stop, the 核报 falls due. */
  markStabilised(id: IncidentId, at: number = this.#now()): Promise<Incident> {
    return this.#update(id, (i) => withStabilisedAt(i, at), { stabilisedAt: at }, 'incident stabilised');
  }

  setType(id: IncidentId, type: IncidentType): Promise<Incident> {
    return this.#update(id, (i) => withType(i, type), { type }, 'incident type set');
  }

  /**
   * A lost kit's open incidents go to the kit that replaces it (docs/kits.md §Open items): every
   * incident not yet closed by its 核报 that `from` reports now names `to` as its reporting kit, so
   * the overdue list and the reminders name `to`. Resolves to the incidents moved, once kept.
   */
  handOver(from: number, to: number): Promise<Incident[]> {
    return this.#change(async () => {
      const moved = (await this.list())
        .filter((i) => !isClosed(i) && reportingNode(i) === from)
        .map((i) => ({ ...i, node: to }));
      if (moved.length === 0) return { value: moved };
      const kept = this.#ledger.apply({ put: moved }).then(() => {
        this.#log.info(
          { from, to, incidents: moved.map((i) => i.id) },
          'open incidents handed to another kit',
        );
      });
      return { value: moved, kept };
    });
  }

  async calendar(now: number = this.#now()): Promise<DeadlineEntry[]> {
    return deadlineCalendar(await this.list(), this.#rules, now);
  }

  async overdue(now: number = this.#now()): Promise<OverdueItem[]> {
    return overdueList(await this.list(), this.#rules, now);
  }

  async remindersDue(since: number, now: number = this.#now()): Promise<Reminder[]> {
    return remindersDue(await this.list(), this.#rules, since, now);
  }

  async nextReminderAt(now: number = this.#now()): Promise<number | undefined> {
    return nextReminderAt(await this.list(), this.#rules, now);
  }

  async totals(level: AreaLevel, options?: AggregateOptions): Promise<AreaTotals[]> {
    return aggregate(await this.list(), level, options);
  }

  async csv(options?: QuickReportCsvOptions): Promise<string> {
    return quickReportCsv(await this.list(), this.#rules, options);
  }

  async geoJson(options?: { readonly exercise?: boolean }): Promise<IncidentFeatureCollection> {
    return incidentsGeoJson(await this.list(), this.#rules, options);
  }

  #update(
    id: IncidentId,
    change: (i: Incident) => Incident,
    logged: Record<string, unknown>,
    message: string,
  ): Promise<Incident> {
    return this.#change(async () => {
      const incident = change(await this.get(id));
      const kept = this.#ledger.apply({ put: [incident] }).then(() => {
        this.#log.info({ incident: id, ...logged }, message);
      });
      return { value: incident, kept };
    });
  }

  /** Settles every change made so far, then closes the ledger. */
  async close(): Promise<void> {
    await this.#settled;
    await this.#ledger.close?.();
  }

  /**
   * Makes a change under the book's lock: `stage` reads what it needs and applies its change to
   * the ledger (which sees it at once), and the lock is let go. The change resolves once the
   * ledger has kept it (`kept`) and every change made before it has settled, so that callers
   * hear of changes in the order they were made.
   */
  #change<T>(stage: () => Promise<{ value: T; kept?: Promise<void> }>): Promise<T> {
    const staged = this.#serial.then(stage);
    this.#serial = staged.catch(() => {});
    const before = this.#settled;
    const settled = staged.then(async ({ value, kept }) => {
      await kept;
      await before;
      return value;
    });
    this.#settled = settled.catch(() => {});
    return settled;
  }
}

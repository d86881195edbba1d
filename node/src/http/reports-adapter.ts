/**
 * The ReportsService (reports-service.ts) over the reports domain and the node's core
 * (docs/api.md §Reports, §Idempotency; docs/reports.md): a draft is checked by the incident book
 * (node/src/domain/reports/incident-book.ts), submitted to NodeCore as a report message to the
 * centre (stored, synced, routed), and recorded in the book; reports are listed, with what each
 * changed against the version before it, and exported from the book. A preview checks the draft
 * the same way and asks NodeCore what its message would put on air, without making it. The overdue
 * list and the totals are the domain's own (reminders.ts, aggregate.ts) over the book's incidents
 * within the person's areas, on the county clock of the book's rules. On a drill node every report
 * is filed as an exercise (docs/ui.md §Drill mode).
 *
 * The reports and incidents are read from the book once, on first use, into a {@link ReportIndex}
 * kept in the API's order, and every report this adapter records updates it: a page copies its own
 * items and nothing else. The adapter is the book's only writer in the daemon (node-web.ts); a
 * change made to the book by another way would not show here until a restart.
 *
 * Finding a filing a restart cut short: the mark is the store's sequence counter (`seq` in the
 * store's kv, node/src/core/sequence-counter.ts: the last number this node used), read once for
 * the filings that ask for it together. A message made after the mark has a higher number, so the
 * retry reads the records of this node's numbers above the mark, one by one (a handful: what the
 * node made meanwhile), and takes a report of the same reporter, stage, figures and note as the
 * one the first attempt made. If the first attempt stored its message but did not record it in the
 * book, it is recorded then.
 */
import type { Logger } from '../base/logger.js';
import type { Draft } from '../core/core-types.js';
import type { DraftPreview } from '../core/node-core.js';
import { countyTime } from '../domain/county-time.js';
import { aggregate } from '../domain/reports/aggregate.js';
import { packNote } from '../domain/reports/explanation-note.js';
import {
  type Incident,
  incidentArea,
  isExercise,
  isOpenedId,
  versionId,
} from '../domain/reports/incident.js';
import type { IncidentBook } from '../domain/reports/incident-book.js';
import { quickReportCsv } from '../domain/reports/quick-report-csv.js';
import { overdueList } from '../domain/reports/reminders.js';
import type { ReportDraft } from '../domain/reports/report-validation.js';
import type { MessageStore } from '../store/message-store.js';
import type { ReportBody } from '../wire/kinds/report.js';
import { KINDS } from '../wire/kinds.js';
import { decodeFrame, type MessageOf } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import type { FeedEvent } from './event-hub.js';
import { FilingsMade } from './filings-made.js';
import { linkPreviewViews } from './link-preview-view.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { ReportIndex } from './report-index.js';
import { summariesOf, summaryOf } from './report-summary.js';
import type {
  FiledReport,
  FilingMark,
  OverdueReport,
  ReportDraftInput,
  ReportPage,
  ReportPreview,
  ReportSummary,
  ReportsService,
  TotalsLevel,
  TotalsReport,
} from './reports-service.js';

export interface ReportsAdapterOptions {
  book: IncidentBook;
  /** The node's core: what submits the report's message, and previews it. */
  core: { submit(draft: Draft): Promise<string>; preview(draft: Draft): DraftPreview };
  /** The node's store: its sequence counter and message records, to find a filing cut short. */
  store: Pick<MessageStore, 'getKv' | 'getMeta' | 'getFrame'>;
  /** This node's id: the origin of what it files. */
  nodeId: number;
  /** This kit's own area (`node.area`), for drafts that name none. */
  area?: number;
  /**
   * A drill node (`node.drill`, docs/ui.md §Drill mode): every report goes on the wire with the
   * envelope's `exercise` flag, whatever the draft says, so that a drill's report can never be
   * summed with real ones at the centre; its quick-report CSV is the drill's. Default false: the
   * draft's own `exercise` decides, and the CSV holds the real incidents.
   */
  drill?: boolean;
  /** How long a report is worth delivering, minutes. Default a day. */
  lifetimeMin?: number;
  /** Where recorded reports are announced (the event streams). */
  emit?: (event: FeedEvent) => void;
  /** The node's clock, unix ms, for the overdue list. Default Date.now. */
  now?: () => number;
  log: Logger;
}

export class ReportsAdapter implements ReportsService {
  readonly #o: ReportsAdapterOptions;
  #index: Promise<ReportIndex> | undefined;
  readonly #made: FilingsMade;

  constructor(options: ReportsAdapterOptions) {
    this.#o = options;
    this.#made = new FilingsMade(options.store, options.nodeId);
  }

  defaultArea(): number | undefined {
    return this.#o.area;
  }

  filingMark(): Promise<FilingMark> {
    return this.#made.mark();
  }

  async file(draft: ReportDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<FiledReport> {
    if (earlier !== undefined) {
      const found = await this.#findFiled(earlier, draft, by);
      if (found !== undefined) {
        this.#o.log.info(
          { msgId: found.report.id },
          'a filing cut short by a restart was found; not filed again',
        );
        return found;
      }
    }
    const { body, opened } = await this.#prepare(draft, by);
    const id = await this.#o.core.submit(this.#messageOf(body, draft));
    const message = await this.#report(id);
    if (message === undefined) throw new TypeError(`report ${id} was submitted but is not in the store`);
    return this.#record(message, opened);
  }

  async preview(draft: ReportDraftInput, by: ApiPerson): Promise<ReportPreview> {
    const { body } = await this.#prepare(draft, by);
    const { bytes, links } = this.#o.core.preview(this.#messageOf(body, draft));
    return {
      bytes,
      links: linkPreviewViews(links),
    };
  }

  /**
   * Checks a draft as the incident book would take it: its report body, and the incident opened
   * ahead of it that a 初报 continues. REPORT_REJECTED with every problem the domain finds.
   */
  async #prepare(draft: ReportDraftInput, by: ApiPerson): Promise<{ body: ReportBody; opened?: string }> {
    const opened = draft.stage === 'initial' && draft.incident !== undefined && isOpenedId(draft.incident);
    const incident = draft.stage === 'initial' && !opened ? undefined : draft.incident;
    const prepared = await this.#o.book.prepare(incident, domainDraft(draft, by));
    if (!prepared.ok)
      throw new ApiError(
        'REPORT_REJECTED',
        `the report was not filed: ${prepared.problems.map((p) => `${p.field}: ${p.en}`).join('; ')}`,
        {
          problems: prepared.problems.map((p) => ({ field: p.field, code: p.code, message: p.en, zh: p.zh })),
        },
      );
    return { body: prepared.body, ...(opened ? { opened: draft.incident as string } : {}) };
  }

  /** The message a report goes as: to the centre, P1, living a day; an exercise on a drill node. */
  #messageOf(body: ReportBody, draft: ReportDraftInput): Draft {
    return {
      kind: 'report',
      body,
      dest: { to: 'centre' },
      priority: 1,
      lifetimeMin: this.#o.lifetimeMin ?? 24 * 60,
      flags: this.#exercise(draft) ? ['exercise'] : [],
    };
  }

  /** Whether a report filed from `draft` is an exercise: always on a drill node. */
  #exercise(draft: ReportDraftInput): boolean {
    return this.#o.drill === true || draft.exercise === true;
  }

  /** Records a report delivered here (the centre): the composition root calls it on NodeCore's `delivered`. */
  async recordDelivered(message: MessageOf<'report'>): Promise<void> {
    await this.#record(message, undefined);
  }

  async list(query: { scope: PermissionScope; offset: number; limit: number }): Promise<ReportPage> {
    return (await this.#indexed()).page(query.scope, query.offset, query.limit);
  }

  async get(id: string): Promise<ReportSummary | undefined> {
    return (await this.#indexed()).get(id);
  }

  async exportCsv(scope: PermissionScope): Promise<string> {
    const incidents = [...(await this.#indexed()).incidents()].filter((i) =>
      withinScope(scope, incidentArea(i)),
    );
    // A drill node's sheet is its drill's: the domain never exports drills with real reports.
    return quickReportCsv(incidents, this.#o.book.rules, { exercise: this.#o.drill === true });
  }

  async overdue(query: { scope: PermissionScope; exercise: boolean }): Promise<OverdueReport> {
    const now = (this.#o.now ?? Date.now)();
    const rules = this.#o.book.rules;
    const clock = countyTime(rules.timeZone);
    const items = overdueList(await this.#incidents(query), rules, now).map((o) => ({
      incidentId: o.incidentId,
      duty: o.duty,
      due: o.since,
      dueLocal: clock.formatIso(o.since),
      missed: o.missed,
      overdueMs: o.overdueMs,
      ...(o.node === undefined ? {} : { node: o.node }),
      ...(o.area === undefined ? {} : { area: o.area }),
      ...(o.hazard === undefined ? {} : { hazard: o.hazard }),
    }));
    return { at: now, timeZone: rules.timeZone, items };
  }

  async totals(query: {
    scope: PermissionScope;
    level: TotalsLevel;
    exercise: boolean;
  }): Promise<TotalsReport> {
    const totals = aggregate(await this.#incidents(query), query.level, { exercise: query.exercise });
    return {
      level: query.level,
      exercise: query.exercise,
      items: totals.map((t) => ({
        ...(t.area === undefined ? {} : { area: t.area }),
        incidents: t.incidents,
        figures: { ...(t.figures as Record<string, number>) },
      })),
    };
  }

  /** The book's incidents within `scope`: a drill's alone, or the real ones alone. */
  async #incidents(query: { scope: PermissionScope; exercise: boolean }): Promise<Incident[]> {
    return [...(await this.#indexed()).incidents()].filter(
      (i) => isExercise(i) === query.exercise && withinScope(query.scope, incidentArea(i)),
    );
  }

  /** The index of the book's reports, read from the book on first use. */
  #indexed(): Promise<ReportIndex> {
    this.#index ??= this.#o.book.list().then(
      (incidents) => new ReportIndex(incidents, (i) => summariesOf(i, this.#o.book.rules)),
      (err) => {
        this.#index = undefined; // read again next time
        throw err;
      },
    );
    return this.#index;
  }

  async #record(message: MessageOf<'report'>, opened: string | undefined): Promise<FiledReport> {
    const index = await this.#indexed();
    const recorded = await this.#o.book.record(message, opened === undefined ? {} : { opened });
    // Updated as soon as the book has recorded, with no await between: the book resolves its
    // changes in order, so the index sees them in that order too.
    if (recorded.added) {
      if (opened !== undefined && message.body.stage === 'initial') index.remove(opened);
      index.put(recorded.incident);
    }
    // The index's own summary when it has just made one: the same, frozen, made once.
    const version = recorded.incident.versions[recorded.version - 1];
    const report =
      (recorded.added && version !== undefined ? index.get(versionId(version)) : undefined) ??
      summaryOf(recorded.incident, recorded.version - 1, this.#o.book.rules);
    if (recorded.added) this.#o.emit?.({ type: 'report', report });
    return { report, unexplained: recorded.unexplained.map((c) => c.name) };
  }

  async #report(id: string): Promise<MessageOf<'report'> | undefined> {
    const frame = await this.#o.store.getFrame(id);
    if (frame === undefined) return undefined;
    const message = decodeFrame(frame).message;
    return message?.kind === 'report' ? message : undefined;
  }

  async #findFiled(
    mark: FilingMark,
    draft: ReportDraftInput,
    by: ApiPerson,
  ): Promise<FiledReport | undefined> {
    for await (const id of this.#made.since(mark, KINDS.report.code)) {
      const message = await this.#report(id);
      if (message !== undefined && sameFiling(message, draft, by, this.#exercise(draft))) {
        const opened =
          draft.stage === 'initial' && draft.incident !== undefined && isOpenedId(draft.incident);
        return this.#record(message, opened ? draft.incident : undefined);
      }
    }
    return undefined;
  }
}

/** The draft as the reports domain takes it: the reporter is the person signed in. */
function domainDraft(d: ReportDraftInput, by: ApiPerson): ReportDraft {
  return {
    stage: d.stage,
    reporter: by.id,
    indicators: d.indicators,
    ...(d.hazard === undefined ? {} : { hazard: d.hazard }),
    ...(d.explanations === undefined ? {} : { explanations: d.explanations }),
    ...(d.note === undefined ? {} : { note: d.note }),
    ...(d.cuts === undefined ? {} : { cuts: d.cuts as ReportBody['cuts'] }),
    ...(d.needs === undefined ? {} : { needs: d.needs as ReportBody['needs'] }),
    ...(d.point === undefined ? {} : { point: d.point }),
    ...(d.area === undefined ? {} : { area: d.area }),
    ...(d.asOf === undefined ? {} : { asOf: d.asOf }),
    ...(d.began === undefined ? {} : { began: d.began }),
  } as ReportDraft;
}

/**
 * Whether `message` is what filing `draft` as `by` made: same reporter, stage, exercise flag (as
 * filed: a drill node sets it whatever the draft says), figures and note.
 */
function sameFiling(
  message: MessageOf<'report'>,
  draft: ReportDraftInput,
  by: ApiPerson,
  exercise: boolean,
): boolean {
  const body = message.body;
  if (body.reporter !== by.id || body.stage !== draft.stage) return false;
  if (exercise !== message.flags.includes('exercise')) return false;
  if ((body.note ?? '') !== packNote(draft.note, draft.explanations ?? {})) return false;
  const sent = Object.entries(body.indicators).filter(([, v]) => v !== undefined);
  const asked = Object.entries(draft.indicators);
  return (
    sent.length === asked.length &&
    asked.every(([k, v]) => (body.indicators as Record<string, number>)[k] === v)
  );
}

/**
 * The shapes of the report routes (docs/api.md §Reports, §The board): the draft a form sends, a
 * report as the API shows it with what it changed, a page of them, what filing and its preview
 * answer, and the centre's overdue list and totals. Field names, indicator names and code
 * lists come from the reports domain and the wire codec, so the schema follows them
 * (docs/reports.md §Indicators; docs/wire-format.md §4.1).
 *
 * The schema checks shape and range; the domain checks meaning (a part larger than its whole, a
 * jump without its reason, a 续报 for a closed incident) and answers every problem at once.
 */
import { Type } from 'typebox';
import { INDICATOR_NAMES } from '../../domain/reports/indicators.js';
import { MAX_HAZARD_CODE } from '../../wire/codes/hazard-types.js';
import { MAX_INDICATOR_UNITS } from '../../wire/codes/indicators.js';
import { CUTS, NEEDS, REPORT_STAGES } from '../../wire/kinds/report.js';
import { Closed, OneOf, PageInfo } from './common-schemas.js';

const Stage = OneOf(REPORT_STAGES, 'initial 初报, update 续报, final 核报.');

const Figure = Type.Number({ minimum: 0, maximum: MAX_INDICATOR_UNITS });

const Indicators = Closed(
  Object.fromEntries(INDICATOR_NAMES.map((n) => [n, Type.Optional(Figure)])),
  'Figures by indicator, in the form’s units (persons, hectares, km, 万元). One left out keeps its last value.',
);

const Explanations = Closed(
  Object.fromEntries(INDICATOR_NAMES.map((n) => [n, Type.Optional(Type.String({ maxLength: 300 }))])),
  'The reason for each figure whose change needs one.',
);

const AreaCode = Type.Integer({
  minimum: 100_000,
  maximum: 999_999_999_999,
  description: 'GB/T 2260 / 10114 area code: 6, 9 or 12 digits.',
});

const Point = Closed(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  'WGS-84 (never GCJ-02).',
);

const IncidentId = Type.String({
  pattern: '^([0-9]{1,10}/[0-9]{1,10}|open/[0-9]{1,10}/[0-9]{1,10})$',
  description: 'The 初报’s message id `origin/seq`, or `open/node/n` for an incident opened before its 初报.',
});

export const ReportDraftBody = Closed(
  {
    stage: Stage,
    incident: Type.Optional(IncidentId),
    hazard: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_HAZARD_CODE, description: 'Hazard type × 16 + sub-type.' }),
    ),
    indicators: Indicators,
    explanations: Type.Optional(Explanations),
    note: Type.Optional(
      Type.String({ maxLength: 300, description: 'Circumstances; at most 300 bytes with the reasons.' }),
    ),
    cuts: Type.Optional(Type.Array(OneOf(CUTS), { maxItems: CUTS.length, uniqueItems: true })),
    needs: Type.Optional(Type.Array(OneOf(NEEDS), { maxItems: NEEDS.length, uniqueItems: true })),
    point: Type.Optional(Point),
    area: Type.Optional(AreaCode),
    asOf: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 0xffff_ffff, description: 'Figures stand at this time, unix s.' }),
    ),
    began: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 0xffff_ffff,
        description: 'When the disaster began (发生时间), unix s: a 初报’s deadline runs from it.',
      }),
    ),
    exercise: Type.Optional(Type.Boolean({ description: 'A drill (演练).' })),
  },
  'A disaster report as the form sends it. The reporter is the person signed in.',
);

const IndicatorName = Type.String({ description: 'An indicator’s name (docs/reports.md §Indicators).' });

const Change = Closed(
  {
    name: IndicatorName,
    before: Type.Optional(
      Type.Number({ description: 'The figure before this report; absent when none was given before.' }),
    ),
    after: Type.Number(),
    change: Type.Number({ description: 'after − before (after itself when there was none before).' }),
  },
  'One figure this report gave, against the incident’s figure before it.',
);

export const Report = Closed({
  id: Type.String({ description: 'Its message id, `origin/seq`.' }),
  incidentId: Type.String(),
  stage: Stage,
  version: Type.Integer({ description: 'Its place in the chain, 1 for the 初报.' }),
  origin: Type.Integer(),
  hazard: Type.Integer(),
  area: Type.Optional(Type.Integer()),
  createdAt: Type.Number({ description: 'When the reporting kit made it, unix ms.' }),
  clockUntrusted: Type.Boolean({
    description: 'The reporting kit’s clock was not trusted: `createdAt` is a guess.',
  }),
  recordedAt: Type.Number({ description: 'When this node recorded it, unix ms.' }),
  exercise: Type.Boolean(),
  reporter: Type.Optional(Type.Integer({ description: 'Roster id of the reporter at the reporting kit.' })),
  indicators: Type.Record(Type.String(), Type.Number()),
  note: Type.Optional(Type.String()),
  cuts: Type.Optional(Type.Array(Type.String())),
  needs: Type.Optional(Type.Array(Type.String())),
  asOf: Type.Optional(Type.Integer()),
  began: Type.Optional(
    Type.Integer({ description: 'When the disaster began, unix s, as this report says.' }),
  ),
  stabilised: Type.Optional(Type.Integer({ description: 'When the situation became stable, unix s.' })),
  changes: Type.Optional(
    Type.Array(Change, {
      description:
        'What each figure it gave changed against the version before it (docs/reports.md §Deltas and thresholds).',
    }),
  ),
  unexplained: Type.Optional(
    Type.Array(IndicatorName, { description: 'Figures whose change needed a reason and came without one.' }),
  ),
});

export const FiledReply = Closed({
  report: Report,
  unexplained: Type.Array(Type.String(), {
    description: 'Figures recorded without the reason their change needs.',
  }),
  message: Closed(
    {
      id: Type.String(),
      href: Type.String({ description: 'Where its delivery state is: GET this.' }),
    },
    'The message the report travels as.',
  ),
});

export const ReportPage = Closed({ items: Type.Array(Report), page: PageInfo });

const CostClass = OneOf(['ip', 'mesh', 'satellite'] as const);

export const PreviewReply = Closed(
  {
    bytes: Type.Integer({
      description: 'The report’s message as this node would encode and authenticate it.',
    }),
    links: Type.Array(
      Closed({
        link: Type.String(),
        costClass: CostClass,
        up: Type.Boolean({ description: 'The link is up now.' }),
        dueNow: Type.Boolean({
          description:
            'Due at once; otherwise a fallback, due only if nothing cheaper confirmed it by dueAt.',
        }),
        dueAt: Type.Number({ description: 'When it falls due on the link, unix ms.' }),
        bytes: Type.Integer({ description: 'Bytes put on the link, hop tag and fragment headers included.' }),
        frames: Type.Integer(),
        billed: Type.Boolean({ description: 'The link bills what it sends (satellite).' }),
        credits: Type.Integer({
          description: 'Billed units (satellite credits) sent alone; 0 where unbilled.',
        }),
      }),
      { description: 'The links it would be due on, the cheapest class first; empty: no route now.' },
    ),
  },
  'What filing the draft would put on air. Nothing was filed.',
);

export const OverdueReply = Closed({
  at: Type.Number({ description: 'The time the list is for, unix ms (the node’s clock).' }),
  timeZone: Type.String({ description: 'The county’s IANA zone the deadlines fall in.' }),
  items: Type.Array(
    Closed({
      incidentId: Type.String(),
      duty: Stage,
      due: Type.Number({ description: 'The earliest deadline missed, unix ms.' }),
      dueLocal: Type.String({ description: 'The same on the county clock: `2026-07-15T09:00:00+08:00`.' }),
      missed: Type.Integer({ description: 'Deadlines of this duty missed (days of 续报).' }),
      overdueMs: Type.Number(),
      node: Type.Optional(Type.Integer({ description: 'The kit that owes it.' })),
      area: Type.Optional(Type.Integer()),
      hazard: Type.Optional(Type.Integer()),
    }),
    { description: 'One line per incident and duty, the longest overdue first.' },
  ),
});

export const TotalsQuery = Closed({
  level: Type.Optional(OneOf(['township', 'county'] as const, 'Default township.')),
});

export const TotalsReply = Closed({
  level: OneOf(['township', 'county'] as const),
  exercise: Type.Boolean({ description: 'A drill node’s totals: the drill’s, never summed with real ones.' }),
  items: Type.Array(
    Closed({
      area: Type.Optional(
        Type.Integer({ description: 'The area at the level; absent for incidents not placed at it.' }),
      ),
      incidents: Type.Integer(),
      figures: Type.Record(Type.String(), Type.Number()),
    }),
  ),
});

export const AreaNamesReply = Closed(
  {
    items: Type.Array(
      Closed({ code: Type.Integer(), name: Type.String() }, 'An area as the roster names it.'),
    ),
  },
  'The areas the roster names, by code.',
);

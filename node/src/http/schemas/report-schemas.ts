/**
 * The shapes of the report routes (docs/api.md §Reports): the draft a form sends, a report as the
 * API shows it, a page of them, and what filing answers. Field names, indicator names and code
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
    exercise: Type.Optional(Type.Boolean({ description: 'A drill (演练).' })),
  },
  'A disaster report as the form sends it. The reporter is the person signed in.',
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

/**
 * Report (灾情报告): 初报, 续报 and 核报 of one disaster process (docs/domain.md §Disaster reports;
 * docs/wire-format.md §report). Kind 1, MAC-tagged by the reporting kit.
 *
 * The order of fields is the wire order: the ones every 初报 has come first, so a short report
 * stops early and pays nothing for what it lacks.
 */
import { MAX_HAZARD_CODE } from '../codes/hazard-types.js';
import { areaCode, geoPoint, indicatorSet, messageRef, personIndex, unixTime } from '../field-codecs.js';
import { enumOf, flagsOf, optional, type RecordOf, required, text, uint } from '../schema.js';

export const REPORT_STAGES = ['initial', 'update', 'final'] as const;
/** 自然灾害 or 生产安全事故: the incident types whose reporting deadlines differ. */
export const INCIDENT_KINDS = ['natural', 'workplace'] as const;
/** 四断: the village's road, power, water or telecom is cut. */
export const CUTS = ['road', 'power', 'water', 'telecom'] as const;
/** What the reporting place needs most urgently. */
export const NEEDS = [
  'drinkingWater',
  'food',
  'shelter',
  'medical',
  'clothing',
  'rescue',
  'evacuationTransport',
  'power',
  'communication',
] as const;

export const reportFields = {
  /** 初报, 续报 or 核报. */
  stage: required(enumOf(REPORT_STAGES)),
  /** Hazard type × 16 + sub-type (codes/hazard-types.ts). */
  hazard: required(uint(MAX_HAZARD_CODE)),
  /** Who reports: index in the kit's roster (the 灾害信息员 signed in). */
  reporter: optional(personIndex),
  /** The core indicators (codes/indicators.ts); cumulative and current are separate rows. */
  indicators: required(indicatorSet),
  cuts: optional(flagsOf(CUTS)),
  needs: optional(flagsOf(NEEDS)),
  /** Observation point. */
  point: optional(geoPoint),
  /** The 初报 that this 续报 or 核报 continues; absent on a 初报. */
  incident: optional(messageRef),
  /** The area reported on when it is not the kit's own. */
  area: optional(areaCode),
  /** The figures are as of this time (a 续报's "to 24:00 of the previous day"). */
  asOf: optional(unixTime),
  /** Free text: circumstances, and the explanation that a big jump between versions needs. */
  note: optional(text(300)),
  /**
   * When the disaster began (发生时间): the 初报 is due from then. `asOf` is when the figures
   * stand and the envelope's time is when the report was written; neither says it.
   */
  began: optional(unixTime),
  /** When the situation was declared stable: the 核报 is due from then, and daily 续报 stop. */
  stabilised: optional(unixTime),
  /** A workplace accident (生产安全事故) has its own deadlines; absent: a natural disaster. */
  incidentType: optional(enumOf(INCIDENT_KINDS)),
};

export type ReportBody = RecordOf<typeof reportFields>;

export function checkReport(body: ReportBody): string | undefined {
  if (body.stage === 'initial' && body.incident)
    return 'an initial report starts an incident; it references none';
  if (body.stage !== 'initial' && !body.incident)
    return 'an update or final report must reference its initial report';
  if (body.began !== undefined && body.stabilised !== undefined && body.stabilised < body.began)
    return 'the situation cannot be stable before the disaster began';
  return undefined;
}

/**
 * Reports and incidents for tests of the reports domain, built on the reference 初报 R1
 * (docs/wire-format.md §9: a flash flood at village kit 2107, created 2026-07-14 03:20 in China).
 * Generators of figures are in test/indicator-arbitraries.ts, which is not built.
 */
import { R1 } from '../../wire/fixtures/reference-messages.js';
import type { ReportBody } from '../../wire/kinds/report.js';
import type { MessageOf } from '../../wire/message.js';
import type { Incident, ReportVersion } from './incident.js';
import { addVersion, versionOf } from './incident-chain.js';

/** The village kit's area: a village of township 430121101 in county 430121. */
export const VILLAGE_AREA = 430121101201;
/** R1's creation, unix ms. */
export const R1_AT = R1.createdAt * 1000;
export const R1_ID = '2107/305';

/** A report message of incident R1 (or R1 itself with stage initial), created at `at` (unix ms). */
export function reportMessage(
  seq: number,
  at: number,
  body: Partial<ReportBody>,
  extra: Partial<Pick<MessageOf<'report'>, 'origin' | 'flags' | 'clockUntrusted'>> = {},
): MessageOf<'report'> {
  const stage = body.stage ?? 'update';
  const full: ReportBody = {
    stage,
    hazard: R1.body.hazard,
    indicators: {},
    ...(stage === 'initial' ? {} : { incident: { origin: R1.origin, seq: R1.seq } }),
    ...body,
  };
  return { ...R1, seq, createdAt: Math.floor(at / 1000), ...extra, body: full };
}

/** The version a report message makes, recorded at its creation. */
export function version(
  message: MessageOf<'report'>,
  area: number | undefined = VILLAGE_AREA,
): ReportVersion {
  return versionOf(message, message.createdAt * 1000, area);
}

/** The incident of R1 alone, or with more reports of it. */
export function r1Incident(...more: MessageOf<'report'>[]): Incident {
  let incident = addVersion(undefined, version(R1)).incident;
  for (const m of more) incident = addVersion(incident, version(m)).incident;
  return incident;
}

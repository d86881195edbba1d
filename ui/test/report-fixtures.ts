/**
 * Reports as the API lists them, for the UI's tests (docs/api.md §Reports): one village's 初报 of a
 * flash flood at 03:20 on 14 July 2026, county time, unless a test says otherwise.
 */
import type { ReportSummary } from '../src/lib/api-types.js';

export function report(over: Partial<ReportSummary> & Pick<ReportSummary, 'id'>): ReportSummary {
  return {
    incidentId: over.id,
    stage: 'initial',
    version: 1,
    origin: 2107,
    hazard: 18,
    area: 430121101201,
    createdAt: Date.UTC(2026, 6, 13, 19, 20),
    clockUntrusted: false,
    recordedAt: Date.UTC(2026, 6, 13, 19, 21),
    exercise: false,
    indicators: {},
    ...over,
  };
}

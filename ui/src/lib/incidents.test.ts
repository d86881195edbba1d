/**
 * Incidents rebuilt from the API's report list (docs/reports.md §The chain, §Zero report): grouped
 * in chain order, and the zero report the domain makes from the last version, in the shape the
 * API takes.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_RULES } from '../../../node/src/domain/reports/report-rules.js';
import { report } from '../../test/report-fixtures.js';
import { groupIncidents, listedIncidents, standingFigures, zeroReportFor } from './incidents.js';

describe('incidents from reports', () => {
  const reports = [
    report({
      id: '2107/305',
      incidentId: '2107/301',
      stage: 'update',
      version: 2,
      indicators: { affected: 400 },
      cuts: ['road', 'power'],
      needs: ['food'],
    }),
    report({ id: '2107/301', indicators: { affected: 120, dead: 0 } }),
    report({ id: '2107/310', area: 430121101202, createdAt: Date.UTC(2026, 6, 14, 1) }),
  ];

  it('groups reports by incident in chain order, newest incident first', () => {
    const groups = groupIncidents(reports);
    expect(groups.map((g) => g.id)).toEqual(['2107/310', '2107/301']);
    expect(groups[1]?.reports.map((r) => r.version)).toEqual([1, 2]);
    expect(standingFigures(groups[1] as never)).toEqual({ affected: 400, dead: 0 });
  });

  it('makes the zero report: no figures, the last 四断 and needs, figures as of the county midnight', () => {
    const group = groupIncidents(reports).find((g) => g.id === '2107/301');
    // 09:00 on 15 July in the county: the figures stand at 24:00 of 14 July = 00:00 of the 15th.
    const now = Date.UTC(2026, 6, 15, 1, 0);
    const draft = zeroReportFor(group as never, DEFAULT_REPORT_RULES, now);
    expect(draft).toEqual({
      stage: 'update',
      incident: '2107/301',
      indicators: {},
      asOf: Date.UTC(2026, 6, 14, 16, 0) / 1000,
      cuts: ['road', 'power'],
      needs: ['food'],
      area: 430121101201,
    });
  });

  it('lists the drill’s incidents alone on a drill node, and every incident elsewhere', () => {
    const drill = report({ id: '2109/7', origin: 2109, exercise: true, createdAt: Date.UTC(2026, 6, 14, 2) });
    const groups = groupIncidents([...reports, drill]);
    expect(listedIncidents(groups, true).map((g) => g.id)).toEqual(['2109/7']);
    expect(listedIncidents(groups, false).map((g) => g.id)).toEqual(['2109/7', '2107/310', '2107/301']);
    // A drill's zero report stays a drill's.
    const zero = zeroReportFor(
      listedIncidents(groups, true)[0] as never,
      DEFAULT_REPORT_RULES,
      Date.UTC(2026, 6, 15, 0),
    );
    expect(zero.exercise).toBe(true);
  });
});

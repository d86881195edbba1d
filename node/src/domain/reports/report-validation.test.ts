import { describe, expect, it } from 'vitest';
import { isKitError } from '../../base/errors.js';
import { encodeReference } from '../../wire/fixtures/reference-frames.js';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { openIncident } from './incident-chain.js';
import { R1_AT, r1Incident, reportMessage } from './incident-fixtures.js';
import { reportRejected } from './report-problems.js';
import { DEFAULT_REPORT_RULES as rules } from './report-rules.js';
import {
  explanationsNeeded,
  prepareReport,
  type ReportDraft,
  unexplainedChanges,
} from './report-validation.js';

const HOUR = 3_600_000;
const { stage: _, incident: __, ...r1Fields } = R1.body;
const initialDraft: ReportDraft = { stage: 'initial', ...r1Fields };

function problemsOf(result: ReturnType<typeof prepareReport>) {
  if (result.ok) throw new Error('expected the draft to be refused');
  return result.problems;
}

describe('a 初报', () => {
  it('becomes exactly R1 body, which encodes to the reference bytes', () => {
    const result = prepareReport(undefined, initialDraft, rules);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.body).toEqual(R1.body);
    expect(encodeReference({ ...R1, body: result.body })).toEqual(encodeReference(R1));
  });

  it('takes its hazard from the incident opened ahead of it', () => {
    const opened = openIncident({ node: 2107, n: 1, type: 'natural', hazard: 0x12, startedAt: R1_AT - HOUR });
    const { hazard: ___, ...noHazard } = initialDraft;
    const result = prepareReport(opened, noHazard, rules);
    expect(result.ok && result.body.hazard).toBe(0x12);
    expect(problemsOf(prepareReport(undefined, noHazard, rules))).toMatchObject([
      { code: 'REPORT_FIELD_INVALID', field: 'hazard' },
    ]);
  });

  it('is refused for an incident that has its 初报 already', () => {
    expect(problemsOf(prepareReport(r1Incident(), initialDraft, rules))).toMatchObject([
      { code: 'REPORT_STAGE_INVALID', field: 'stage' },
    ]);
  });
});

describe('a 续报', () => {
  const incident = r1Incident();

  it('carries the 初报 as its incident and only the figures given', () => {
    const result = prepareReport(incident, { stage: 'update', indicators: { affected: 1300 } }, rules);
    expect(result).toMatchObject({
      ok: true,
      body: {
        stage: 'update',
        hazard: 0x12,
        incident: { origin: 2107, seq: 305 },
        indicators: { affected: 1300 },
      },
      changes: [{ name: 'affected', before: 1250, after: 1300, change: 50 }],
    });
  });

  it('is refused when a figure jumps without a reason, naming the field in Chinese and English', () => {
    const problems = problemsOf(
      prepareReport(incident, { stage: 'update', indicators: { affected: 3000 } }, rules),
    );
    expect(problems).toEqual([
      {
        code: 'REPORT_EXPLANATION_MISSING',
        field: 'explanations.affected',
        zh: '受灾人口由1250人增至3000人，变化超过100人且超过50%，请填写变化原因',
        en: 'affected went from 1250 people to 3000 people (+1750); the change is over 100 and over 50 %: write the reason for the change',
      },
    ]);
  });

  it('passes with the reason, which travels in the note under its label', () => {
    const result = prepareReport(
      incident,
      {
        stage: 'update',
        indicators: { affected: 3000 },
        explanations: { affected: '下游三组纳入统计' },
        note: '雨停',
      },
      rules,
    );
    expect(result).toMatchObject({ ok: true, body: { note: '雨停【受灾人口】下游三组纳入统计' } });
  });

  it('says a fall of a to-date total needs a reason', () => {
    const [p] = problemsOf(prepareReport(incident, { stage: 'update', indicators: { dead: 1 } }, rules));
    expect(p?.zh).toBe('因灾死亡人口由2人减至1人，累计数减少，请填写变化原因');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(
      prepareReport(
        incident,
        {
          stage: 'update',
          indicators: { affected: 5000, missing: 9, injured: -1, seriouslyInjured: 20, cropsLostHa: 0.05 },
          point: { lat: 91, lon: 0 },
          note: '说'.repeat(101),
        },
        rules,
      ),
    );
    expect(problems.map((p) => `${p.code} ${p.field}`).sort()).toEqual(
      [
        'REPORT_EXPLANATION_MISSING explanations.affected',
        'REPORT_EXPLANATION_MISSING explanations.missing',
        'REPORT_EXPLANATION_MISSING explanations.seriouslyInjured',
        'REPORT_FIGURES_INCONSISTENT indicators.seriouslyInjured',
        'REPORT_FIGURE_INVALID indicators.injured',
        'REPORT_FIGURE_INVALID indicators.cropsLostHa',
        'REPORT_FIELD_INVALID point',
        'REPORT_NOTE_TOO_LONG note',
      ].sort(),
    );
    for (const p of problems) {
      expect(p.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.en.length).toBeGreaterThan(10);
    }
    const err = reportRejected(problems);
    expect(isKitError(err, 'REPORT_REJECTED')).toBe(true);
    expect(err.message).toContain('explanations.affected: affected went from 1250');
  });

  it('is refused without a 初报, and after the 核报', () => {
    const opened = openIncident({ node: 2107, n: 1, type: 'natural', hazard: 0x12, startedAt: R1_AT });
    const draft: ReportDraft = { stage: 'update', indicators: {} };
    expect(problemsOf(prepareReport(opened, draft, rules))[0]?.code).toBe('REPORT_STAGE_INVALID');
    expect(problemsOf(prepareReport(undefined, draft, rules))[0]?.code).toBe('REPORT_STAGE_INVALID');
    const closed = r1Incident(reportMessage(320, R1_AT + 48 * HOUR, { stage: 'final' }));
    expect(problemsOf(prepareReport(closed, draft, rules))[0]?.code).toBe('REPORT_INCIDENT_CLOSED');
    expect(problemsOf(prepareReport(closed, { ...draft, stage: 'final' }, rules))[0]?.code).toBe(
      'REPORT_INCIDENT_CLOSED',
    );
  });
});

describe('while typing, and at the centre', () => {
  it('says which figures will need a reason', () => {
    const needed = explanationsNeeded(r1Incident(), { affected: 3000, dead: 2, missing: 2 }, rules);
    expect(needed.map((c) => c.name)).toEqual(['affected', 'missing']);
  });

  it('finds the changes a received report made without a reason; a general note counts as one', () => {
    const bare = r1Incident(reportMessage(310, R1_AT + HOUR, { indicators: { affected: 3000, dead: 3 } }));
    expect(unexplainedChanges(bare, 1, rules).map((c) => c.name)).toEqual(['affected', 'dead']);
    const tagged = r1Incident(
      reportMessage(310, R1_AT + HOUR, {
        indicators: { affected: 3000, dead: 3 },
        note: '【因灾死亡人口】伤者不治',
      }),
    );
    expect(unexplainedChanges(tagged, 1, rules).map((c) => c.name)).toEqual(['affected']);
    const general = r1Incident(
      reportMessage(310, R1_AT + HOUR, { indicators: { affected: 3000, dead: 3 }, note: '山洪二次来袭' }),
    );
    expect(unexplainedChanges(general, 1, rules)).toEqual([]);
    expect(unexplainedChanges(bare, 0, rules)).toEqual([]);
  });
});

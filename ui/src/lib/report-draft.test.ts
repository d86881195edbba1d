/**
 * The form's draft (docs/ui.md §Reports): figures read as the wire will take them, the start time
 * and place written into the note on the county clock whatever the phone's zone, reasons asked for
 * by the domain's thresholds, and the note counted in the bytes that travel.
 */
import { describe, expect, it } from 'vitest';
import { buildDraft, emptyForm, figuresOf, noteBytes, noteText, reasonsNeeded } from './report-draft.js';

const ZONE = 'Asia/Shanghai';
// 2026-07-14 03:20 in the county is 2026-07-13 19:20 UTC.
const T = Date.UTC(2026, 6, 13, 19, 20);

describe('the report draft', () => {
  it('is a 初报 with the hazard, the figures typed and when it began in a field of its own', () => {
    const form = {
      ...emptyForm('initial', T, ZONE),
      hazard: 18,
      figures: { affected: '120', dead: '0', cropsAffectedHa: '3.5', injured: '' },
    };
    expect(form.startedAt).toBe('2026-07-14T03:20');
    const draft = buildDraft({ ...form, place: '三组河边', cuts: ['road'] }, ZONE);
    expect(draft).toEqual({
      stage: 'initial',
      hazard: 18,
      indicators: { affected: 120, dead: 0, cropsAffectedHa: 3.5 },
      note: '位置：三组河边',
      cuts: ['road'],
      began: T / 1000,
    });
  });

  it('is an exercise on a drill node whatever the form says, and as ticked elsewhere', () => {
    const form = { ...emptyForm('initial', T, ZONE), hazard: 18 };
    expect(form.exercise).toBe(false);
    expect(buildDraft(form, ZONE, true).exercise).toBe(true);
    expect(buildDraft(form, ZONE, false).exercise).toBeUndefined();
    expect(buildDraft(form, ZONE).exercise).toBeUndefined();
    expect(buildDraft({ ...form, exercise: true }, ZONE).exercise).toBe(true);
  });

  it('refuses figures that are not numbers, negative, or finer than the indicator allows', () => {
    const form = {
      ...emptyForm('initial', T, ZONE),
      figures: { affected: '12a', dead: '-1', injured: '1.5', cropsAffectedHa: '1.25', missing: '1,200' },
    };
    const { values, invalid } = figuresOf(form);
    expect(invalid.sort()).toEqual(['affected', 'cropsAffectedHa', 'dead', 'injured']);
    expect(values).toEqual({ missing: 1200 });
  });

  it('asks a reason for a jump the domain thresholds flag, and none for a small revision', () => {
    const form = {
      ...emptyForm('update', T, ZONE, '2107/301'),
      figures: { affected: '1500', injured: '4', dead: '1' },
    };
    expect(reasonsNeeded(form, { affected: 300, injured: 2, dead: 0 }).sort()).toEqual(['affected', 'dead']);
    expect(reasonsNeeded({ ...form, figures: { affected: '350' } }, { affected: 300 })).toEqual([]);
    // A 初报 has nothing before it.
    expect(reasonsNeeded({ ...form, stage: 'initial' }, { affected: 1 })).toEqual([]);
  });

  it('counts the note with its reasons packed, in UTF-8 bytes', () => {
    const form = {
      ...emptyForm('update', T, ZONE, '2107/301'),
      note: '水退',
      explanations: { affected: '新增两组' },
    };
    expect(noteText(form)).toBe('水退');
    // 水退【受灾人口】新增两组: 12 CJK characters of 3 bytes each.
    expect(noteBytes(form)).toBe(36);
    expect(buildDraft(form, ZONE).explanations).toEqual({ affected: '新增两组' });
  });
});

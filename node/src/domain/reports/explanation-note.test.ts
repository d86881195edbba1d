import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanNoteText, type Explanations, packNote, unpackNote } from './explanation-note.js';
import { INDICATOR_NAMES } from './indicators.js';

describe('reasons in the note', () => {
  it('writes each reason after the general text under its label, in wire order', () => {
    const note = packNote('山洪二次来袭', { missing: '2人找到', affected: '下游三组纳入统计' });
    expect(note).toBe('山洪二次来袭【受灾人口】下游三组纳入统计【因灾失踪人口】2人找到');
    expect(unpackNote(note)).toEqual({
      note: '山洪二次来袭',
      explanations: { affected: '下游三组纳入统计', missing: '2人找到' },
    });
  });

  it('labels rows that share a name by their unit', () => {
    const note = packNote(undefined, { collapsedHouseholds: '复核' });
    expect(note).toBe('【倒塌房屋(户)】复核');
    expect(unpackNote(note).explanations).toEqual({ collapsedHouseholds: '复核' });
  });

  it('keeps the reserved brackets out of typed text, and unknown labels in the general text', () => {
    expect(packNote('见【附件】', { dead: '【确认】' })).toBe('见［附件］【因灾死亡人口】［确认］');
    expect(unpackNote('见【附件】说明')).toEqual({ note: '见【附件】说明', explanations: {} });
    expect(unpackNote('【受灾人口】  ')).toEqual({ note: '【受灾人口】', explanations: {} });
  });

  it('reads back what it packed, for any text', () => {
    const reasons = fc.record(
      Object.fromEntries(INDICATOR_NAMES.map((n) => [n, fc.string({ unit: 'grapheme' })])),
      { requiredKeys: [] },
    ) as fc.Arbitrary<Explanations>;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), reasons, (note, explanations) => {
        const expected = Object.fromEntries(
          Object.entries(explanations)
            .map(([k, v]) => [k, cleanNoteText(v)])
            .filter(([, v]) => v !== ''),
        );
        expect(unpackNote(packNote(note, explanations))).toEqual({
          note: cleanNoteText(note),
          explanations: expected,
        });
      }),
    );
  });

  it('never throws on a note as received', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('【', '】', '受灾人口', 'a', ' ') }), (s) => {
        unpackNote(s);
      }),
    );
  });
});

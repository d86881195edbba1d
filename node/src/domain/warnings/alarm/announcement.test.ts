/** What the kit says aloud (announcement.ts, docs/warnings.md §The alarm at the kit). */
import { describe, expect, it } from 'vitest';
import { RED_BODY } from './alarm-fixtures.js';
import { announcementOf, spokenHeadline } from './announcement.js';

const plain = { drill: false, first: true, needsAnswer: false };

describe('the announcement', () => {
  it('speaks the headline with its level in words, not a bracket and Roman numerals', () => {
    expect(spokenHeadline(RED_BODY)).toBe('某县气象台发布暴雨红色预警，一级，特别严重');
    expect(spokenHeadline({ ...RED_BODY, level: 4, colour: 'blue' })).toBe(
      '某县气象台发布暴雨蓝色预警，四级，一般',
    );
    expect(spokenHeadline({ ...RED_BODY, level: 0, colour: 'none' })).toBe('某县气象台发布暴雨预警');
  });

  it('reads the instruction in the first cycle only, as a sentence of its own', () => {
    expect(announcementOf({ ...RED_BODY, instruction: '立即转移' }, plain).zh).toBe(
      '某县气象台发布暴雨红色预警，一级，特别严重。立即转移。',
    );
    expect(announcementOf({ ...RED_BODY, instruction: '立即转移！' }, plain).zh).toBe(
      '某县气象台发布暴雨红色预警，一级，特别严重。立即转移！',
    );
    expect(announcementOf(RED_BODY, { ...plain, first: false }).zh).toBe(
      '某县气象台发布暴雨红色预警，一级，特别严重。',
    );
  });

  it('says a drill is a drill before and after, in both languages', () => {
    const a = announcementOf(RED_BODY, { drill: true, first: false, needsAnswer: true });
    expect(a).toEqual({
      zh: '演练！演练！某县气象台发布暴雨红色预警，一级，特别严重。请责任人到应急点确认收到。这是演练，不是真实预警。',
      en:
        'Drill. 某县气象台: red rainstorm warning issued (level I, extremely severe). A responsible person must ' +
        'confirm at the kit. This is a drill, not a real warning.',
      drill: true,
    });
  });
});

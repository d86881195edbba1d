import { describe, expect, it } from 'vitest';
import { encodeReference } from '../wire/fixtures/reference-frames.js';
import { R2 } from '../wire/fixtures/reference-messages.js';
import { decodeFrame } from '../wire/message.js';
import { renderWarningHeadline } from './warning-headline.js';

describe('renderWarningHeadline', () => {
  it('renders R2 as the county convention, from the decoded wire fields', () => {
    const decoded = decodeFrame(encodeReference(R2)).message;
    if (decoded?.kind !== 'warning') throw new Error('R2 did not decode as a warning');
    expect(renderWarningHeadline(decoded.body)).toEqual({
      zh: '某县气象台发布暴雨红色预警[I级/特别严重]',
      en: '某县气象台: red rainstorm warning issued (level I, extremely severe)',
    });
  });

  it('follows level and colour separately (orange II; a level without colour)', () => {
    expect(renderWarningHeadline({ ...R2.body, level: 2, colour: 'orange' }).zh).toBe(
      '某县气象台发布暴雨橙色预警[II级/严重]',
    );
    expect(renderWarningHeadline({ ...R2.body, event: '11B37', level: 3, colour: 'none' }).zh).toBe(
      '某县气象台发布地质灾害气象风险预警[III级/较重]',
    );
  });

  it('says 解除 for a cancel and names unknown event codes by their code', () => {
    expect(renderWarningHeadline({ ...R2.body, action: 'cancel' }).zh).toBe(
      '某县气象台解除暴雨红色预警[I级/特别严重]',
    );
    expect(renderWarningHeadline({ ...R2.body, event: '12C07' }).zh).toContain('事件12C07');
  });
});

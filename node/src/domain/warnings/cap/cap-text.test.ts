/**
 * Text from CAP for the wire (docs/cap.md §3.1 Field by field): indentation dropped, lines kept,
 * long text cut at a character.
 */
import { describe, expect, it } from 'vitest';
import { normaliseLine, normaliseText, truncateUtf8 } from './cap-text.js';

describe('text from CAP', () => {
  it('drops the indentation of pretty-printed text and keeps its lines', () => {
    expect(normaliseText('\n    第一行 \t\r\n\t  第二行  有空格\r  \n')).toBe('第一行\n第二行  有空格');
    expect(normaliseText(`${' '.repeat(60_000)}x${' '.repeat(60_000)}`)).toBe('x');
  });

  it('makes a name one line', () => {
    expect(normaliseLine(' 某县\n   气象台 ')).toBe('某县 气象台');
  });

  it('cuts at a character boundary, ellipsis included in the limit', () => {
    expect(truncateUtf8('暴雨', 6)).toEqual({ text: '暴雨', truncated: false });
    expect(truncateUtf8('暴雨预警', 9)).toEqual({ text: '暴雨…', truncated: true });
    expect(truncateUtf8('a🌧🌧', 9)).toEqual({ text: 'a🌧🌧', truncated: false });
    expect(truncateUtf8('a🌧🌧', 8)).toEqual({ text: 'a🌧…', truncated: true });
    expect(truncateUtf8('a🌧🌧', 7)).toEqual({ text: 'a…', truncated: true });
  });
});

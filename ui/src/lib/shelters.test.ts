/**
 * The shelter view's catalogue and arithmetic (docs/shelters.md §The view): both languages have
 * the same placeholders for each key and nothing empty, and how full a shelter is.
 */
import { describe, expect, it } from 'vitest';
import { sheltersEn } from '../i18n/shelters-en.js';
import { sheltersZhCN } from '../i18n/shelters-zh-CN.js';
import { fillPercent, PERSON_FLAGS } from './shelters.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the shelter view', () => {
  it('has the same placeholders in both languages, nothing empty, and a name for every flag', () => {
    for (const [key, zh] of Object.entries(sheltersZhCN)) {
      const en = sheltersEn[key as keyof typeof sheltersZhCN];
      expect(placeholders(en), key).toEqual(placeholders(zh));
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
    }
    for (const f of PERSON_FLAGS) expect(sheltersZhCN[`shelters.flag.${f}`]).toBeTruthy();
  });

  it('says how full a shelter is, and nothing without a capacity', () => {
    expect(fillPercent({ present: 37, capacity: 120 })).toBe(31);
    expect(fillPercent({ present: 130, capacity: 120 })).toBe(108);
    expect(fillPercent({ present: 5 })).toBeUndefined();
    expect(fillPercent({ present: 5, capacity: 0 })).toBeUndefined();
  });
});

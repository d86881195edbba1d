/** Tests for the RockBLOCK credit rule (docs/iridium.md §2.4). */
import { describe, expect, it } from 'vitest';
import { rockblockCredits } from './credits.js';

describe('rockblockCredits', () => {
  it.each([
    [0, 1], // a mailbox check still costs a credit
    [1, 1],
    [50, 1],
    [51, 2],
    [54, 2], // the SPLRadioRoom#126 case: 54 bytes cost twice what 48 do
    [100, 2],
    [101, 3],
    [340, 7], // the largest MO message
  ])('%i bytes cost %i credits', (bytes, credits) => {
    expect(rockblockCredits(bytes)).toBe(credits);
  });

  it('rejects impossible sizes', () => {
    expect(() => rockblockCredits(-1)).toThrow(RangeError);
    expect(() => rockblockCredits(1.5)).toThrow(RangeError);
  });
});

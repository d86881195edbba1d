import { describe, expect, it } from 'vitest';
import { generatePin, isObvious, pinProblem } from './pin.js';

describe('PINs', () => {
  it('are six digits', () => {
    expect(pinProblem('042917')).toBeUndefined();
    expect(pinProblem('42917')).toBe('a PIN is 6 digits');
    expect(pinProblem('4291700')).toBe('a PIN is 6 digits');
    expect(pinProblem('04291a')).toBe('a PIN is 6 digits');
    expect(pinProblem('０４２９１７')).toBe('a PIN is 6 digits'); // full-width digits
    expect(pinProblem(42917)).toBe('a PIN is text');
  });

  it('are made at random, six digits with leading zeros kept', () => {
    const pins = Array.from({ length: 200 }, () => generatePin());
    for (const pin of pins) expect(pinProblem(pin)).toBeUndefined();
    expect(new Set(pins).size).toBeGreaterThan(190);
    expect(generatePin(() => 42)).toBe('000042');
  });

  it('are never one of those guessed first: the generator draws again', () => {
    const draws = [111111, 123456, 987654, 0, 345678, 271828];
    expect(generatePin(() => draws.shift() as number)).toBe('271828');
    expect(draws).toEqual([]);
    for (const pin of ['000000', '999999', '012345', '456789', '543210', '876543'])
      expect(isObvious(pin)).toBe(true);
    for (const pin of ['123457', '112233', '135791', '000001']) expect(isObvious(pin)).toBe(false);
  });
});

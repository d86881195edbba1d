import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { hashPin, needsRehash, PIN_HASH_PARAMS, pinHashProblem, verifyPin } from './pin-hash.js';

/** Fast parameters for tests; the format and the checks are the same. */
const FAST = { ln: 10, r: 8, p: 1 };

describe('PIN hashes', () => {
  it('are versioned scrypt strings with their parameters, a 16-byte salt and a 32-byte hash', async () => {
    const hash = await hashPin('042917', FAST);
    expect(hash).toMatch(/^\$scrypt\$v=1\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(pinHashProblem(hash)).toBeUndefined();
    expect(hash).not.toContain('042917');
  });

  it('check the PIN they were made from and no other', async () => {
    const hash = await hashPin('042917', FAST);
    expect(await verifyPin('042917', hash)).toBe(true);
    expect(await verifyPin('042918', hash)).toBe(false);
    expect(await verifyPin('42917', hash)).toBe(false);
    expect(await verifyPin('', hash)).toBe(false);
  });

  it('salt each hash afresh: the same PIN twice gives two hashes, each checking it', async () => {
    const [a, b] = [await hashPin('555123', FAST), await hashPin('555123', FAST)];
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPin('555123', a)).toBe(true);
    expect(await verifyPin('555123', b)).toBe(true);
  });

  it('are checked with the parameters written in them, and say when they are not the current ones', async () => {
    const old = await hashPin('042917', FAST);
    const current = await hashPin('042917', { ...FAST, ln: 11 });
    expect(await verifyPin('042917', old)).toBe(true);
    expect(await verifyPin('042917', current)).toBe(true);
    expect(needsRehash(old, { ...FAST, ln: 11 })).toBe(true);
    expect(needsRehash(current, { ...FAST, ln: 11 })).toBe(false);
    // A hash is bound to its parameters: the same salt and result under other ones fail.
    expect(await verifyPin('042917', old.replace('ln=10', 'ln=11'))).toBe(false);
  });

  it('default to N = 2^15, r = 8, p = 1', async () => {
    expect(PIN_HASH_PARAMS).toEqual({ ln: 15, r: 8, p: 1 });
    const hash = await hashPin('042917');
    expect(hash.startsWith('$scrypt$v=1$ln=15,r=8,p=1$')).toBe(true);
    expect(await verifyPin('042917', hash)).toBe(true);
  });

  it('refuse a stored hash this version cannot read, or one asking too much', async () => {
    const hash = await hashPin('042917', FAST);
    for (const bad of [
      hash.replace('v=1', 'v=2'),
      hash.replace('ln=10', 'ln=9'),
      hash.replace('ln=10,r=8', 'ln=20,r=16'),
      hash.slice(0, -1),
      `${hash}=`,
      '',
      '$2b$10$abcdefghijklmnopqrstuv',
    ]) {
      expect(pinHashProblem(bad), bad).toBeDefined();
      expect((await kitFailure(verifyPin('042917', bad))).code).toBe('ROSTER_PIN_HASH_INVALID');
    }
    expect(pinHashProblem(hash.replace('ln=10,r=8', 'ln=20,r=16'))).toBe(
      'ln=20,r=16 would take more than 256 MiB',
    );
  });

  it('refuse to hash what is not a PIN', async () => {
    await expect(hashPin('12345', FAST)).rejects.toThrow(TypeError);
  });

  it('read any text without throwing (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `$scrypt$v=1$${s}`),
          fc.anything(),
        ),
        (v) => {
          const problem = pinHashProblem(v);
          expect(problem === undefined || typeof problem === 'string').toBe(true);
        },
      ),
    );
  });
});

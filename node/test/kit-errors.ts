/**
 * Test helpers for untrusted input and the messages people read: which KitError code a call fails
 * with, and its message, a predicate that lets only KitErrors through, and a generator of mutated
 * byte strings.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isKitError } from '../src/base/errors.js';

/** The KitError code `fn` throws, or undefined if it returns. Any other error is re-thrown. */
export function kitErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isKitError(err)) return err.code;
    throw err;
  }
  return undefined;
}

/** "CODE: message" of the KitError `fn` throws, or 'ok' if it returns. Any other error is re-thrown. */
export function kitOutcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (!isKitError(err)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

/** The code and message of the KitError `p` rejects with; anything else fails the test. */
export async function kitFailure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(err)) throw new Error(`expected a KitError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

/** For properties: true whether `fn` returns or throws a KitError; anything else fails the run. */
export function onlyKitErrors(fn: () => unknown): boolean {
  kitErrorCode(fn);
  return true;
}

/** Bytes from `valid` changed by 1–4 overwrites, inserts, deletes and truncations. */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const op = fc.record({ kind: fc.integer({ min: 0, max: 3 }), at: fc.nat(), value: fc.nat(255) });
  return fc.tuple(valid, fc.array(op, { minLength: 1, maxLength: 4 })).map(([input, ops]) => {
    const out = [...input];
    for (const { kind, at, value } of ops) {
      const pos = out.length === 0 ? 0 : at % out.length;
      if (kind === 0 && out.length > 0) out[pos] = value;
      else if (kind === 1) out.splice(pos, 0, value);
      else if (kind === 2) out.splice(pos, 1);
      else out.length = pos;
    }
    return Uint8Array.from(out);
  });
}

/** Asserts that `fn` throws a KitError with `code`. */
export function expectKitError(fn: () => unknown, code: string): void {
  expect(kitErrorCode(fn)).toBe(code);
}

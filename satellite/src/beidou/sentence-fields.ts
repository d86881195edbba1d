/**
 * Reading the fields of a BeiDou sentence (docs/beidou.md §Sentences): every value comes from a
 * module's serial line and is checked before it is used; a bad one is KitError BEIDOU_MALFORMED
 * naming the sentence and the field.
 */
import { KitError, show } from '../../../node/src/base/errors.js';
import type { Sentence } from './sentence.js';
import './beidou-errors.js';

/** A user or broadcast address: 1 to 8 digits (BeiDou-2 writes 7, BeiDou-3 7 or 8). */
export const ADDRESS = /^\d{1,8}$/;

export function malformed(s: Sentence, what: string): KitError {
  return new KitError('BEIDOU_MALFORMED', `$${s.talker}${s.name}: ${what}`);
}

/** Field `n` (1-based, as the protocol tables number them). */
export function field(s: Sentence, n: number): string {
  return s.fields[n - 1] ?? '';
}

/** Field `n` as a whole number, or `fallback` when it is empty and a fallback is given. */
export function intField(s: Sentence, n: number, fallback?: number): number {
  const text = field(s, n).trim();
  if (text === '' && fallback !== undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw malformed(s, `field ${n} is not a whole number: ${show(text)}`);
  return Number(text);
}

/** Field `n` as an address (digits). */
export function addressField(s: Sentence, n: number): string {
  const text = field(s, n).trim();
  if (!ADDRESS.test(text)) throw malformed(s, `field ${n} is not an address: ${show(text)}`);
  return text;
}

/** Field `n` as hex bytes (either case, an even number of digits). */
export function hexField(s: Sentence, n: number): Uint8Array {
  const text = field(s, n).trim();
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(text)) throw malformed(s, `field ${n} is not hex bytes: ${show(text)}`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Field `n` as Y or N. */
export function flagField(s: Sentence, n: number): boolean {
  const text = field(s, n).trim().toUpperCase();
  if (text !== 'Y' && text !== 'N') throw malformed(s, `field ${n} is not Y or N: ${show(text)}`);
  return text === 'Y';
}

/** Upper-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

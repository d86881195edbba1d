/**
 * Keys as people read, type and copy them: RFC 4648 base32 with a 4-byte check (docs/keys.md
 * §Typing a key).
 *
 * A key is written as the base32 of its 32 bytes followed by a check, the first 4 bytes of
 * SHA-256(label ‖ u32be(node id) ‖ key), in upper case and in groups of four:
 * `MZXW-6YTB-…-QA` (58 characters). Reading ignores case, spaces and '-'. The check catches a
 * mistyped character (a typo passes once in 2^32), and since it binds the node id, a kit key typed
 * into the wrong kit fails too. Each kind of key has its own label, so that one is never read as
 * another: `fieldnode/v1/kit-key`, `fieldnode/v1/relay-key`, and for the centre's master secret,
 * which belongs to no node, `fieldnode/v1/master-secret` with no node id.
 *
 * Parsing says what is wrong and where, for the person at the keyboard: the character that is not
 * allowed (with the letter meant, for 0, 1 and 8), the count when one is missing or extra, or the
 * failed check, with the one character that would make it pass when exactly one would.
 */
import { createHash } from 'node:crypto';
import { KitError } from '../base/errors.js';

/** Bytes of every key written this way: a kit key, a relay key, the master secret. */
export const TYPED_KEY_BYTES = 32;
/** Bytes of the check that follows the key. */
export const KEY_CHECK_BYTES = 4;
/** Characters of the typed form, '-' not counted: ceil(36 × 8 / 5) = 58. */
export const TYPED_KEY_CHARS = Math.ceil(((TYPED_KEY_BYTES + KEY_CHECK_BYTES) * 8) / 5);

/** RFC 4648 §6 base32 alphabet: no 0, 1, 8 or 9, so fewer look-alikes when read aloud or typed. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** What people type for a base32 letter. */
const LOOKALIKES: Readonly<Record<string, string>> = { '0': 'O', '1': 'I or L', '8': 'B' };
const U32_MAX = 0xffff_ffff;

/** What a typed key is. */
export type TypedKeyKind = 'kit key' | 'relay key' | 'master secret';

const CHECK_LABELS: Readonly<Record<TypedKeyKind, Buffer>> = {
  'kit key': Buffer.from('fieldnode/v1/kit-key', 'utf8'),
  'relay key': Buffer.from('fieldnode/v1/relay-key', 'utf8'),
  'master secret': Buffer.from('fieldnode/v1/master-secret', 'utf8'),
};

/**
 * The check of a key: the first 4 bytes of SHA-256(label ‖ u32be(nodeId) ‖ key); the node id is
 * left out for the master secret.
 * @throws TypeError on a key that is not 32 bytes, or a node id missing, extra or not a u32.
 */
export function keyCheck(kind: TypedKeyKind, key: Uint8Array, nodeId?: number): Uint8Array {
  assertKey(kind, key);
  const hash = createHash('sha256').update(CHECK_LABELS[kind]);
  if (kind === 'master secret') {
    if (nodeId !== undefined) throw new TypeError('the master secret belongs to no node');
  } else {
    if (nodeId === undefined || !Number.isInteger(nodeId) || nodeId < 0 || nodeId > U32_MAX) {
      throw new TypeError(`the check of a ${kind} binds a node id from 0 to ${U32_MAX}`);
    }
    const id = Buffer.alloc(4);
    id.writeUInt32BE(nodeId);
    hash.update(id);
  }
  return new Uint8Array(hash.update(key).digest().subarray(0, KEY_CHECK_BYTES));
}

/** The kit key of `nodeId` as the operator types it at enrolment. */
export function formatKitKey(key: Uint8Array, nodeId: number): string {
  return formatTyped('kit key', key, nodeId);
}

/**
 * Reads a kit key as typed for `nodeId`.
 * @throws KitError KEYS_MISTYPED saying which character, the count, or that the check failed.
 */
export function parseKitKey(text: string, nodeId: number): Uint8Array {
  return parseTyped(text, 'kit key', nodeId);
}

/** The relay key of kit `nodeId`, as a line of a gateway's relay keys file carries it. */
export function formatRelayKey(key: Uint8Array, nodeId: number): string {
  return formatTyped('relay key', key, nodeId);
}

/** Reads a relay key of kit `nodeId`. @throws KitError KEYS_MISTYPED as {@link parseKitKey}. */
export function parseRelayKey(text: string, nodeId: number): Uint8Array {
  return parseTyped(text, 'relay key', nodeId);
}

/** The centre's master secret as written in its file. */
export function formatMasterSecret(master: Uint8Array): string {
  return formatTyped('master secret', master, undefined);
}

/** Reads the master secret. @throws KitError KEYS_MISTYPED as {@link parseKitKey}. */
export function parseMasterSecret(text: string): Uint8Array {
  return parseTyped(text, 'master secret', undefined);
}

function formatTyped(kind: TypedKeyKind, key: Uint8Array, nodeId: number | undefined): string {
  const check = keyCheck(kind, key, nodeId);
  const text = toBase32(new Uint8Array([...key, ...check]));
  return (text.match(/.{1,4}/g) ?? []).join('-');
}

function parseTyped(text: string, kind: TypedKeyKind, nodeId: number | undefined): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('a typed key is text');
  const what = nodeId === undefined ? kind : `${kind} of node ${nodeId}`;
  const chars: string[] = [];
  for (const c of text) if (c !== '-' && !/\s/.test(c)) chars.push(c);
  const values: number[] = [];
  for (const [i, c] of chars.entries()) {
    const upper = c.toUpperCase();
    const value = upper.length === 1 ? BASE32.indexOf(upper) : -1;
    if (value < 0) {
      const meant = LOOKALIKES[c];
      throw new KitError(
        'KEYS_MISTYPED',
        `${what}: ${position(i)} ${quote(c)} is not allowed${meant === undefined ? '' : ` (did you mean ${meant}?)`}; ` +
          'a key has only the letters A-Z and the digits 2-7',
      );
    }
    values.push(value);
  }
  if (values.length !== TYPED_KEY_CHARS) {
    const off = values.length - TYPED_KEY_CHARS;
    throw new KitError(
      'KEYS_MISTYPED',
      `${what}: expected ${TYPED_KEY_CHARS} characters (not counting '-' and spaces), got ` +
        `${values.length}: ${Math.abs(off)} ${off < 0 ? 'missing' : 'too many'}; compare the groups of four with the original`,
    );
  }
  const decoded = decodeChecked(values, kind, nodeId);
  if (decoded === 'padding') {
    throw new KitError(
      'KEYS_MISTYPED',
      `${what}: the last character ${quote(chars.at(-1) as string)} cannot end a key: it is mistyped`,
    );
  }
  if (decoded === 'check') {
    const fix = singleFix(values, kind, nodeId);
    const hint =
      fix === undefined
        ? ''
        : `; changing ${position(fix.index)} from ${quote(chars[fix.index] as string)} to '${fix.to}' would pass: compare it with the original`;
    const cause = kind === 'master secret' ? '' : ', or this key is for another node';
    throw new KitError('KEYS_MISTYPED', `${what}: check failed: a character is mistyped${cause}${hint}`);
  }
  return decoded;
}

/** The key, or what is wrong: bits set past the end ('padding'), or a check that fails. */
function decodeChecked(
  values: readonly number[],
  kind: TypedKeyKind,
  nodeId: number | undefined,
): Uint8Array | 'padding' | 'check' {
  const { out, left } = regroupBits(values, 5, 8);
  // 58 characters carry 290 bits; the last 2 must be zero.
  if (left !== 0) return 'padding';
  const bytes = Uint8Array.from(out);
  const key = bytes.slice(0, TYPED_KEY_BYTES);
  const check = keyCheck(kind, key, nodeId);
  return Buffer.from(check).equals(bytes.subarray(TYPED_KEY_BYTES)) ? key : 'check';
}

/**
 * The one substitution of one character that makes the check pass, if exactly one does: the
 * likely typo. 58 × 31 candidates, a few milliseconds. A key for another node finds one with odds
 * of about 1,800 in 2^32, so the hint does not hide that case.
 */
function singleFix(
  values: readonly number[],
  kind: TypedKeyKind,
  nodeId: number | undefined,
): { index: number; to: string } | undefined {
  let found: { index: number; to: string } | undefined;
  const trial = [...values];
  for (let i = 0; i < trial.length; i++) {
    const original = trial[i] as number;
    for (let v = 0; v < 32; v++) {
      if (v === original) continue;
      trial[i] = v;
      if (decodeChecked(trial, kind, nodeId) instanceof Uint8Array) {
        if (found !== undefined) return undefined;
        found = { index: i, to: BASE32[v] as string };
      }
    }
    trial[i] = original;
  }
  return found;
}

/** Upper-case base32 without padding: the last character's unused low bits are zero. */
function toBase32(bytes: Uint8Array): string {
  const { out, left, leftBits } = regroupBits(bytes, 8, 5);
  if (leftBits > 0) out.push(left << (5 - leftBits));
  return out.map((v) => BASE32[v]).join('');
}

/**
 * Reads `values` of `from` bits each as one string of bits, first value first and high bit
 * first, and cuts it into values of `to` bits: base32 characters from bytes (8 → 5) and back
 * (5 → 8). What is too short to make a last value is `left`, `leftBits` long.
 */
function regroupBits(
  values: Iterable<number>,
  from: number,
  to: number,
): { out: number[]; left: number; leftBits: number } {
  const out: number[] = [];
  // Fewer than `to` bits wait between values, so at most from + to - 1 are ever pending.
  const pendingMask = (1 << (from + to - 1)) - 1;
  let acc = 0;
  let bits = 0;
  for (const v of values) {
    acc = ((acc << from) | v) & pendingMask;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & ((1 << to) - 1));
    }
  }
  return { out, left: acc & ((1 << bits) - 1), leftBits: bits };
}

/** "character 17 (group 5)": groups of four are how the operator reads the key. */
function position(index: number): string {
  return `character ${index + 1} (group ${Math.floor(index / 4) + 1})`;
}

/** A typed character for a message: as is when printable ASCII, escaped otherwise. */
function quote(c: string): string {
  return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : JSON.stringify(c);
}

function assertKey(kind: TypedKeyKind, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== TYPED_KEY_BYTES) {
    throw new TypeError(`a ${kind} is ${TYPED_KEY_BYTES} bytes`);
  }
}

/** Tests for key-text.ts: typed keys with a 4-byte check, round trips, typos, the wrong node. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitOutcome } from '../../test/kit-errors.js';
import {
  formatKitKey,
  formatMasterSecret,
  formatRelayKey,
  keyCheck,
  parseKitKey,
  parseMasterSecret,
  parseRelayKey,
  TYPED_KEY_CHARS,
} from './key-text.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nodeId = fc.integer({ min: 1, max: 0xffff_ffff });
const grouped = /^([A-Z2-7]{4}-){14}[A-Z2-7]{2}$/;

/** Base32 via a string of bits, the slow obvious way, independent of key-text.ts. */
function referenceBase32(bytes: Uint8Array): string {
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  const padded = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  return (padded.match(/.{5}/g) ?? []).map((g) => ALPHABET[parseInt(g, 2)]).join('');
}

/** The documented check, written out: SHA-256(label ‖ u32be(node) ‖ key), first 4 bytes. */
function referenceCheck(label: string, key: Uint8Array, node?: number): Buffer {
  const id = Buffer.alloc(node === undefined ? 0 : 4);
  if (node !== undefined) id.writeUInt32BE(node);
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(label), id, key]))
    .digest()
    .subarray(0, 4);
}

/** Replaces the character at `index` of the typed key, '-' not counted. */
function substitute(text: string, index: number, to: string): string {
  const chars = text.replaceAll('-', '').split('');
  chars[index] = to;
  return chars.join('');
}

describe('typed keys', () => {
  it('format as grouped base32 of key ‖ documented check, and parse back however typed', () => {
    fc.assert(
      fc.property(key32, nodeId, (key, node) => {
        const cases: Array<[string, (k: Uint8Array) => string, (t: string) => Uint8Array, string]> = [
          ['fieldnode/v1/kit-key', (k) => formatKitKey(k, node), (t) => parseKitKey(t, node), 'node'],
          ['fieldnode/v1/relay-key', (k) => formatRelayKey(k, node), (t) => parseRelayKey(t, node), 'node'],
          ['fieldnode/v1/master-secret', formatMasterSecret, parseMasterSecret, 'none'],
        ];
        for (const [label, format, parse, bound] of cases) {
          const text = format(key);
          expect(text).toMatch(grouped);
          const check = referenceCheck(label, key, bound === 'node' ? node : undefined);
          expect(text.replaceAll('-', '')).toBe(referenceBase32(new Uint8Array([...key, ...check])));
          expect(parse(text)).toEqual(key);
          expect(parse(` ${text.toLowerCase().replaceAll('-', ' ')}\n`)).toEqual(key);
          expect(parse(text.replaceAll('-', ''))).toEqual(key);
        }
      }),
    );
  });

  it('formats pinned vectors (computed independently with Python hashlib and base64)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(formatKitKey(key, 2107)).toBe(
      'AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYPY-LPQK-LQ',
    );
    expect(formatRelayKey(key, 2107)).toBe(
      'AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYP4-VHZ7-X4',
    );
    expect(formatMasterSecret(key)).toBe(
      'AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYP3-FTW2-LY',
    );
    expect(TYPED_KEY_CHARS).toBe(58);
  });

  it('any single-character substitution is refused, naming the character when that is the typo', () => {
    fc.assert(
      fc.property(
        key32,
        nodeId,
        fc.integer({ min: 0, max: TYPED_KEY_CHARS - 1 }),
        fc.integer({ min: 1, max: 31 }),
        (key, node, index, shift) => {
          const text = formatKitKey(key, node).replaceAll('-', '');
          const was = text[index] as string;
          const typo = ALPHABET[(ALPHABET.indexOf(was) + shift) % 32] as string;
          const result = kitOutcome(() => parseKitKey(substitute(text, index, typo), node));
          expect(result).toMatch(/^KEYS_MISTYPED: kit key of node \d+: /);
          // The last character carries two bits that must be zero: a typo there may set them.
          if (!result.includes('cannot end a key')) {
            expect(result).toContain(
              'check failed: a character is mistyped, or this key is for another node',
            );
            expect(result).toContain(
              `changing character ${index + 1} (group ${Math.floor(index / 4) + 1}) from '${typo}' to '${was}' would pass`,
            );
          } else {
            expect(index).toBe(TYPED_KEY_CHARS - 1);
          }
        },
      ),
    );
  });

  it('a key made for node A does not parse for node B, nor as another kind of key', () => {
    fc.assert(
      fc.property(key32, nodeId, nodeId, (key, a, b) => {
        fc.pre(a !== b);
        expect(kitOutcome(() => parseKitKey(formatKitKey(key, a), b))).toMatch(
          /^KEYS_MISTYPED: kit key of node \d+: check failed: a character is mistyped, or this key is for another node$/,
        );
        expect(kitOutcome(() => parseRelayKey(formatRelayKey(key, a), b))).toMatch(/check failed/);
        expect(kitOutcome(() => parseRelayKey(formatKitKey(key, a), a))).toMatch(/check failed/);
        expect(kitOutcome(() => parseMasterSecret(formatKitKey(key, a)))).toMatch(/check failed/);
      }),
      // Each refusal searches the 1,798 one-character fixes: fewer runs keep this under a second.
      { numRuns: 20 },
    );
  });

  it('two neighbouring characters swapped are refused', () => {
    fc.assert(
      fc.property(key32, fc.integer({ min: 0, max: TYPED_KEY_CHARS - 2 }), (key, i) => {
        const text = formatMasterSecret(key).replaceAll('-', '');
        fc.pre(text[i] !== text[i + 1]);
        const swapped = `${text.slice(0, i)}${text[i + 1]}${text[i]}${text.slice(i + 2)}`;
        expect(kitOutcome(() => parseMasterSecret(swapped))).toMatch(/^KEYS_MISTYPED: master secret: /);
      }),
      { numRuns: 30 },
    );
  });

  it('says which character is not allowed, what was meant, and how many are missing or extra', () => {
    const text = formatKitKey(new Uint8Array(32).fill(0x5a), 2107);
    expect(kitOutcome(() => parseKitKey(`0${text.slice(1)}`, 2107))).toBe(
      "KEYS_MISTYPED: kit key of node 2107: character 1 (group 1) '0' is not allowed (did you mean O?); " +
        'a key has only the letters A-Z and the digits 2-7',
    );
    expect(kitOutcome(() => parseKitKey(substitute(text, 9, '8'), 2107))).toContain(
      "character 10 (group 3) '8' is not allowed (did you mean B?)",
    );
    expect(kitOutcome(() => parseKitKey(substitute(text, 57, 'é'), 2107))).toContain(
      'character 58 (group 15) "é" is not allowed;',
    );
    expect(kitOutcome(() => parseKitKey(text.slice(0, -1), 2107))).toContain(
      "expected 58 characters (not counting '-' and spaces), got 57: 1 missing",
    );
    expect(kitOutcome(() => parseKitKey(`${text}AA`, 2107))).toContain('got 60: 2 too many');
    expect(kitOutcome(() => parseMasterSecret(''))).toContain('got 0: 58 missing');
    // The master secret belongs to no node: its check failing means a typo only.
    const master = formatMasterSecret(new Uint8Array(32).fill(1));
    const wrong = substitute(master, 3, master[3] === 'A' ? 'B' : 'A');
    expect(kitOutcome(() => parseMasterSecret(wrong))).toMatch(
      /^KEYS_MISTYPED: master secret: check failed: a character is mistyped; changing character 4/,
    );
  });

  it('never throws anything but KEYS_MISTYPED on any text', () => {
    const typedish = fc
      .array(fc.constantFrom(...`${ALPHABET}abcxyz0189- `.split('')), { maxLength: 70 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), typedish), nodeId, (text, node) => {
        for (const parse of [() => parseKitKey(text, node), () => parseMasterSecret(text)]) {
          const result = kitOutcome(parse);
          if (result !== 'ok') expect(result).toMatch(/^KEYS_MISTYPED: /);
        }
      }),
    );
  });

  it('refuses to format anything but a 32-byte key for a node id that fits 32 bits', () => {
    expect(() => formatKitKey(new Uint8Array(31), 1)).toThrow(TypeError);
    expect(() => formatKitKey(new Uint8Array(32), 2 ** 32)).toThrow(TypeError);
    expect(() => formatRelayKey(new Uint8Array(32), 1.5)).toThrow(TypeError);
    expect(() => keyCheck('master secret', new Uint8Array(32), 1)).toThrow(TypeError);
  });
});

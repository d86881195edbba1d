import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedBytes } from '../../../test/kit-errors.js';
import { type AuditEntry, canonicalJson, chainEntry, entryHash, entryLine, GENESIS } from './audit-entry.js';
import { readAuditLine } from './audit-line.js';

const FIRST = chainEntry(
  {
    actor: 17,
    action: 'roster.pin-set',
    subject: 'person:17',
    details: { random: true, z: [1, 'é'], a: null },
  },
  { seq: 0, hash: GENESIS },
  1_784_000_000_123,
  2107,
);

const bytesOf = (entry: AuditEntry) => Buffer.from(entryLine(entry).slice(0, -1));

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no spaces', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, { y: 2, x: 'é' }], c: -0 } })).toBe(
      '{"a":{"c":0,"d":[true,null,{"x":"é","y":2}]},"b":1}',
    );
  });
});

describe('an entry', () => {
  it('is hashed over everything but its hash, prev included', () => {
    expect(FIRST.seq).toBe(1);
    expect(FIRST.prev).toBe(GENESIS);
    expect(FIRST.hash).toBe(entryHash(FIRST));
    expect(entryHash({ ...FIRST, prev: '1'.repeat(64) })).not.toBe(FIRST.hash);
    const line = entryLine(FIRST);
    expect(line).toBe(`${canonicalJson(FIRST)}\n`);
    expect(
      line.startsWith('{"action":"roster.pin-set","actor":17,"at":1784000000123,"details":{"a":null'),
    ).toBe(true);
  });

  it('chains: the next entry names the hash of this one', () => {
    const second = chainEntry(
      { actor: 'system', action: 'audit.torn-tail-dropped' },
      FIRST,
      1_784_000_001_000,
      2107,
    );
    expect(second).toMatchObject({ seq: 2, prev: FIRST.hash, actor: 'system' });
    expect(second).not.toHaveProperty('subject');
    expect(readAuditLine(bytesOf(second))).toEqual({ ok: true, entry: second });
  });
});

describe('readAuditLine', () => {
  it('reads a line the log wrote', () => {
    expect(readAuditLine(bytesOf(FIRST))).toEqual({ ok: true, entry: FIRST });
  });

  it('finds an entry changed after it was written, even one whose JSON means the same', () => {
    const text = bytesOf(FIRST).toString();
    const changed = (t: string) => readAuditLine(Buffer.from(t));
    expect(changed(text.replace('"actor":17', '"actor":18'))).toEqual({
      ok: false,
      fault: 'changed',
      why: 'its hash does not match its contents',
    });
    // The same values, written otherwise: not the line the log wrote.
    for (const same of [
      text.replace('"actor":17', '"actor":17.0'),
      text.replace('"actor":17', '"actor": 17'),
      text.replace('"é"', '"\\u00e9"'),
      JSON.stringify(FIRST),
    ])
      expect(changed(same), same).toEqual({
        ok: false,
        fault: 'changed',
        why: 'the line is not in the form the log writes',
      });
  });

  it('says why a line is not an entry at all', () => {
    const why = (value: unknown) => {
      const r = readAuditLine(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
      return r.ok ? 'ok' : `${r.fault}: ${r.why}`;
    };
    expect(why('{"seq":1')).toMatch(/^malformed: not JSON/);
    expect(why([1])).toBe('malformed: not a JSON object');
    expect(why({ ...FIRST, extra: 1 })).toBe('malformed: unknown field "extra"');
    expect(why({ ...FIRST, seq: 0 })).toBe('malformed: seq: not a whole number from 1');
    expect(why({ ...FIRST, actor: 0 })).toBe('malformed: actor: neither a roster id nor "system"');
    expect(why({ ...FIRST, action: 'Roster pin' })).toBe(
      'malformed: action: not an action code (area.what, lower case)',
    );
    expect(why({ ...FIRST, details: [1] })).toBe('malformed: details: not a JSON object');
    expect(why({ ...FIRST, details: { big: 'x'.repeat(3000) } })).toMatch(
      /^malformed: details: \d+ bytes, more than 2048/,
    );
    expect(why({ ...FIRST, prev: 'AB' })).toBe('malformed: prev: not a SHA-256 in hex');
    expect(readAuditLine(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      fault: 'malformed',
      why: 'not UTF-8 text',
    });
  });

  it('never throws, and accepts no changed line (property)', () => {
    const valid = fc.constant(new Uint8Array(bytesOf(FIRST)));
    fc.assert(
      fc.property(fc.oneof(mutatedBytes(valid), fc.uint8Array({ maxLength: 400 })), (bytes) => {
        const read = readAuditLine(bytes);
        if (read.ok) expect(Buffer.from(bytes).equals(bytesOf(FIRST))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * An entry's JSON written field by field (entryJson, chainLine: what an append writes once) is its
 * canonical JSON (docs/domain-model.md §Entries and their hash), for every entry an append can make:
 * a line the log wrote must read back as unchanged (audit-line.ts compares against canonicalJson).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditDetails,
  type AuditDraft,
  type AuditEntry,
  canonicalJson,
  chainLine,
  entryHash,
  entryJson,
  entryLine,
} from './audit-entry.js';
import { readAuditLine } from './audit-line.js';

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const draft: fc.Arbitrary<AuditDraft> = fc.record(
  {
    actor: fc.oneof(fc.integer({ min: 1, max: 0xffff }), fc.constant('system' as const)),
    action: fc.constantFrom('report.filed', 'session.signed-in', 'audit.torn-tail-dropped') as fc.Arbitrary<
      AuditDraft['action']
    >,
    subject: fc.string({ unit: 'grapheme', maxLength: 40 }),
    details: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), json, {
      maxKeys: 5,
    }) as fc.Arbitrary<AuditDetails>,
  },
  { requiredKeys: ['actor', 'action'] },
);

const head = fc.record({
  seq: fc.integer({ min: 0, max: 2 ** 40 }),
  hash: fc.stringMatching(/^[0-9a-f]{64}$/),
});

describe('an entry written field by field', () => {
  it('is its canonical JSON, hashed over everything but its hash, and reads back unchanged', () => {
    fc.assert(
      fc.property(
        draft,
        head,
        fc.integer({ min: 0, max: 8.64e15 }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (d, after, at, node) => {
          const given = d.details === undefined ? undefined : canonicalJson(d.details);
          for (const detailsJson of [given, undefined]) {
            const { entry, line } = chainLine(d, detailsJson, after, at, node);
            const { hash, ...unhashed } = entry;
            expect(line).toBe(`${canonicalJson(entry)}\n`);
            expect(line).toBe(entryLine(entry));
            expect(entryJson(unhashed)).toBe(canonicalJson(unhashed));
            expect(hash).toBe(createHash('sha256').update(canonicalJson(unhashed), 'utf8').digest('hex'));
            expect(entryHash(entry)).toBe(hash);
            const read = readAuditLine(Buffer.from(line.slice(0, -1)));
            if (read.ok) expect(read.entry).toEqual(JSON.parse(line) as AuditEntry);
            // Only a draft append() refuses (lone surrogates, details beyond their bound) reads back otherwise.
            else expect(read.fault).toBe('malformed');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

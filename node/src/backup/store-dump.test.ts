/**
 * The store dump (store-dump.ts; docs/operating.md §Backup and restore): entries read back as
 * written whatever the chunks they arrive in, a dump cut short or with bytes after its end refused,
 * and any bytes at all read with nothing but a KitError (fast-check: a backup comes off a disk or a
 * stick that may be damaged).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitOutcome, mutatedBytes, onlyKitErrors } from '../../test/kit-errors.js';
import { DumpReader, decodeDump, dumpEntry, dumpHeader, dumpTrailer } from './store-dump.js';

const entryArb = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 200 }));

function dump(entries: ReadonlyArray<[Uint8Array, Uint8Array]>): Uint8Array {
  return Buffer.concat([
    dumpHeader(),
    ...entries.map(([k, v]) => dumpEntry(k, v)),
    dumpTrailer(entries.length),
  ]);
}

describe('the store dump', () => {
  it('reads back what was written, in chunks of any size (500 cases)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (entries, size) => {
        const bytes = dump(entries);
        const reader = new DumpReader();
        const read: Array<[Uint8Array, Uint8Array]> = [];
        for (let at = 0; at < bytes.length; at += size)
          read.push(...reader.push(bytes.subarray(at, at + size)));
        expect(reader.end()).toBe(entries.length);
        expect(read.map(([k, v]) => [Buffer.from(k), Buffer.from(v)])).toEqual(
          entries.map(([k, v]) => [Buffer.from(k), Buffer.from(v)]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a dump cut short, with bytes after its end, or with a count that does not match', () => {
    const good = dump([[Uint8Array.of(1), Uint8Array.of(2, 3)]]);
    expect(kitOutcome(() => decodeDump(good.subarray(0, good.length - 1)))).toBe(
      'BACKUP_CORRUPT: store dump, byte 16: the dump is cut short: no end marker',
    );
    expect(kitOutcome(() => decodeDump(Buffer.concat([good, Uint8Array.of(0)])))).toBe(
      'BACKUP_CORRUPT: store dump, byte 28: bytes after the end of the dump',
    );
    const wrongCount = Buffer.concat([
      dumpHeader(),
      dumpEntry(Uint8Array.of(1), Uint8Array.of(2)),
      dumpTrailer(2),
    ]);
    expect(kitOutcome(() => decodeDump(wrongCount))).toBe(
      'BACKUP_CORRUPT: store dump, byte 15: the dump says 2 entries, 1 were read: it is damaged',
    );
    expect(kitOutcome(() => decodeDump(new Uint8Array(0)))).toBe(
      'BACKUP_CORRUPT: store dump, byte 0: empty: not a store dump',
    );
    expect(kitOutcome(() => decodeDump(Buffer.from('PK\x03\x04zip')))).toBe(
      'BACKUP_CORRUPT: store dump, byte 0: not a fieldnode store dump (no FNSD at its start)',
    );
  });

  it('reads any bytes with nothing but a KitError, and never allocates what a length only claims (20,000 cases)', () => {
    const valid = dump([
      [Buffer.from('!msg!2107/1'), Buffer.from('frame')],
      [Buffer.from('!kv!seq'), Uint8Array.of(1)],
    ]);
    fc.assert(
      fc.property(mutatedBytes(fc.constant(valid)), (b) => onlyKitErrors(() => decodeDump(b))),
      { numRuns: 15_000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) =>
        onlyKitErrors(() => decodeDump(Buffer.concat([dumpHeader(), b]))),
      ),
      { numRuns: 5000 },
    );
  });
});

/**
 * The book's journal records read as untrusted input (kit-journal-records.ts; docs/conventions.md
 * §The durable queue: decode never trusts its input): every record written reads back as itself;
 * any JSON value, and any record with a field changed, reads as a record that passes the checks or
 * as a reason, never a throw; a warning record's frame is decoded by the wire codec and must be the
 * warning it names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KitRecord, readKitRecord, warningFrameHex, warningOfRecord } from './kit-journal-records.js';
import { T0, warning } from './kit-warnings-fixtures.js';

const frame = warningFrameHex(warning(10));
const RECORDS: KitRecord[] = [
  { t: 'warning', id: '1/10', at: T0, current: true, frame },
  { t: 'warning', id: '1/10', at: T0, current: false, reason: 'warning 1/12 is current', frame },
  {
    t: 'answer',
    n: 1,
    warning: '1/10',
    person: 11,
    state: 'acted',
    evacuated: 3,
    notified: 9,
    note: '好',
    at: T0,
  },
  { t: 'sent', n: [1, 2], at: T0 },
  { t: 'realarm', control: '1/30', issuer: 3, warning: '1/10', persons: [12], outcome: 'realarmed', at: T0 },
];

describe('journal records', () => {
  it('every kind reads back as written', () => {
    for (const r of RECORDS) expect(readKitRecord(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(warningOfRecord(RECORDS[0] as Extract<KitRecord, { t: 'warning' }>)).toEqual(warning(10));
  });

  it('any JSON value reads as a record or a reason, never a throw (5,000 cases)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = readKitRecord(v);
        expect(typeof r === 'string' || typeof r.t === 'string').toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('a record with one field replaced reads as a record that passes every check, or a reason (20,000 cases)', () => {
    const changed = fc
      .tuple(fc.constantFrom(...RECORDS), fc.string({ maxLength: 12 }), fc.jsonValue())
      .map(([r, key, value]) => {
        const keys = Object.keys(r);
        const k = keys.includes(key) ? key : (keys[key.length % keys.length] as string);
        return { ...r, [k]: value };
      });
    fc.assert(
      fc.property(changed, (v) => {
        const r = readKitRecord(v);
        if (typeof r === 'string') return;
        expect(Number.isSafeInteger(r.at) && r.at >= 0).toBe(true);
        if (r.t === 'answer') {
          expect(r.person >= 0 && r.person <= 0xffff && Number.isInteger(r.person)).toBe(true);
          expect(['acknowledged', 'acted']).toContain(r.state);
        }
        if (r.t === 'warning') {
          const w = warningOfRecord(r);
          if (typeof w !== 'string') expect(`${w.origin}/${w.seq}`).toBe(r.id);
        }
        if (r.t === 'sent') expect(r.n.every((n) => Number.isSafeInteger(n))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it("a warning record's frame must decode to the warning it names", () => {
    const w = RECORDS[0] as Extract<KitRecord, { t: 'warning' }>;
    expect(warningOfRecord({ ...w, id: '1/11' })).toBe('its frame is 1/10');
    expect(warningOfRecord({ ...w, frame: frame.slice(0, -4) })).toMatch(/^its frame does not decode: /);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const out = warningOfRecord({ ...w, frame: Buffer.from(bytes).toString('hex') });
        expect(typeof out === 'string' || out.kind === 'warning').toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

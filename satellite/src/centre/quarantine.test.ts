/**
 * Tests for quarantine.ts (docs/centre-doors.md §What the doors keep): the kept record of a signed
 * push in an unexpected shape reads what it can of the claims under the doors' common keys, keeps
 * the claims whole, and, whatever the claims hold (other RockBLOCK customers write the data and
 * Rock7 the rest), never throws and is a record the foreign payload file can hold: JSON that reads
 * back as itself, its payload even-length lower-case hex.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quarantinedPush } from './quarantine.js';

describe('quarantinedPush', () => {
  it('reads the claims it can under the doors’ keys, and keeps them whole', () => {
    const claims = {
      iss: 'Rock 7',
      imei: 300434060000010, // a number where a string belongs: still the sender's address
      momsn: 'sixty-six',
      transmit_time: '26-07-13 19:20:05',
      iridium_latitude: 28.1234,
      iridium_longitude: '112.9876',
      iridium_cep: '3.0',
      data: '48656C6C6F',
    };
    expect(quarantinedPush(claims, 'push claims refused: momsn', 5)).toEqual({
      via: 'rockblock',
      reason: 'unexpected-claims',
      detail: 'push claims refused: momsn',
      from: '300434060000010',
      hex: '48656c6c6f',
      source: {
        carrier: 'rockblock',
        sessionTime: Date.UTC(2026, 6, 13, 19, 20, 5),
        latitude: 28.1234,
        longitude: 112.9876,
        cepKm: 3,
        claims,
      },
      receivedAt: 5,
    });
  });

  it('never throws on claims of any shape, and makes a record that survives JSON as itself', () => {
    const field = fc.oneof(
      fc.jsonValue(),
      fc.string(),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('hex')),
      fc.integer(),
      fc.double(),
    );
    const claims = fc.record(
      {
        imei: field,
        momsn: field,
        transmit_time: field,
        iridium_latitude: field,
        iridium_longitude: field,
        iridium_cep: field,
        data: field,
        other: field,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(claims, (c) => {
        // As jwt.ts hands them on: parsed from JSON.
        const parsed = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
        const record = quarantinedPush(parsed, 'detail', 1);
        expect(record.hex).toMatch(/^(?:[0-9a-f]{2})*$/);
        expect(record.from === undefined || typeof record.from === 'string').toBe(true);
        const text = JSON.stringify(record);
        expect(JSON.stringify(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text).source.claims).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });
});

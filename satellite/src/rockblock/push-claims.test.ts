/**
 * Tests for push-claims.ts and push-body.ts (docs/iridium.md §2.1, §7.5): the real captures
 * parse to the documented values; numbers and strings normalise; transmit_time is
 * `%y-%m-%d %H:%M:%S` UTC; the body parsers refuse what they must and throw nothing but KitError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { ADALLOLIO_2020_BODY, GOBY_2023_BODY } from './fixtures/push-captures.js';
import { Rock7JwtVerifier } from './jwt.js';
import { parsePushBody, pushBodyProblem, tokenOf } from './push-body.js';
import {
  bodyMismatches,
  formatTransmitTime,
  parseTransmitTime,
  pushFromClaims,
  pushKey,
} from './push-claims.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const utf8 = (text: string) => new TextEncoder().encode(text);
const rock7 = new Rock7JwtVerifier();

describe('the real captures of §2.1', () => {
  it('the 2023 Goby push parses, verifies and reads from its claims', () => {
    const body = parsePushBody(JSON_TYPE, utf8(GOBY_2023_BODY));
    expect(body).toMatchObject({ momsn: 66, serial: 14331, iridium_cep: 3, imei: '300434062099430' });
    const claims = rock7.verify(tokenOf(body));
    const push = pushFromClaims(claims);
    expect(push).toEqual({
      imei: '300434062099430',
      momsn: 66,
      transmitTime: Date.UTC(2023, 8, 5, 4, 33, 24),
      transmitTimeText: '23-09-05 04:33:24',
      data: utf8('There are 10 types of people who understand binary'),
      serial: '14331',
      deviceType: 'ROCKBLOCK',
      iridiumLatitude: 75.0001,
      iridiumLongitude: 154.1209,
      iridiumCepKm: 3,
      issuedAt: 1693888475,
    });
    expect(push.data).toHaveLength(50);
    // Body numbers (66, 3.0) and claim strings ("66", "3.0") agree once normalised.
    expect(bodyMismatches(claims, body)).toEqual([]);
  });

  it('the 2020 push parses, with its session status', () => {
    const push = pushFromClaims(
      rock7.verify(tokenOf(parsePushBody('application/json', utf8(ADALLOLIO_2020_BODY)))),
    );
    expect(push).toMatchObject({
      imei: '300234068669470',
      momsn: 1065,
      transmitTime: Date.UTC(2020, 5, 19, 11, 29, 10),
      sessionStatus: 0,
      iridiumCepKm: 4,
      issuedAt: 1592566153,
    });
    expect(Buffer.from(push.data).toString('latin1')).toMatch(
      /^\(R\) 11:28:34 \/ 63 52\.374374,8 38\.429081/,
    );
  });

  it('the same push as a form body parses to the same fields', () => {
    const json = JSON.parse(GOBY_2023_BODY) as Record<string, string | number>;
    const form = new URLSearchParams(
      Object.entries(json).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const body = parsePushBody(FORM_TYPE, utf8(form));
    expect(body.momsn).toBe('66');
    expect(pushFromClaims(rock7.verify(tokenOf(body))).momsn).toBe(66);
    expect(bodyMismatches(rock7.verify(tokenOf(body)), body)).toEqual([]);
  });

  it('names the unsigned fields that disagree with the claims', () => {
    const body = { ...(JSON.parse(GOBY_2023_BODY) as object), momsn: 67, data: 'ff', serial: '14331' };
    const claims = rock7.verify(tokenOf(body));
    expect(bodyMismatches(claims, body).sort()).toEqual(['data', 'momsn']);
  });
});

describe('transmit_time', () => {
  it('is %y-%m-%d %H:%M:%S in UTC, not %d-%m-%y', () => {
    expect(parseTransmitTime('21-10-31 10:41:50')).toBe(Date.UTC(2021, 9, 31, 10, 41, 50));
    expect(parseTransmitTime('05-09-23 04:33:24')).toBe(Date.UTC(2005, 8, 23, 4, 33, 24));
    expect(parseTransmitTime('23-02-29 00:00:00')).toBeUndefined(); // not a leap year
    expect(parseTransmitTime('24-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    for (const bad of [
      '23-13-01 00:00:00',
      '23-09-05 24:00:00',
      '23-09-05T04:33:24',
      '2023-09-05 04:33:24',
      '',
    ])
      expect(parseTransmitTime(bad)).toBeUndefined();
  });

  it('formats and parses back to the same second (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31, 23, 59, 59) }),
        (ms) => {
          const second = Math.floor(ms / 1000) * 1000;
          expect(parseTransmitTime(formatTransmitTime(ms))).toBe(second);
        },
      ),
    );
  });
});

describe('pushFromClaims', () => {
  const base = {
    iss: 'Rock 7',
    imei: '300434060000010',
    momsn: '7',
    transmit_time: '26-07-14 03:20:00',
    data: '',
  };

  it('reads numbers given as numbers or strings alike', () => {
    expect(pushFromClaims({ ...base, momsn: 7 }).momsn).toBe(7);
    expect(pushFromClaims({ ...base, momsn: '7' }).momsn).toBe(7);
    expect(pushFromClaims({ ...base, iridium_cep: 3.5 }).iridiumCepKm).toBe(3.5);
    expect(pushFromClaims({ ...base, iridium_cep: '3.5' }).iridiumCepKm).toBe(3.5);
  });

  it('reads an empty or absent data as a mailbox check, and hex of either case', () => {
    expect(pushFromClaims(base).data).toEqual(new Uint8Array());
    const { data: _, ...noData } = base;
    expect(pushFromClaims(noData).data).toEqual(new Uint8Array());
    expect(pushFromClaims({ ...base, data: '0aFf' }).data).toEqual(Uint8Array.of(0x0a, 0xff));
  });

  it.each([
    ['imei', { imei: '30043406000001' }],
    ['imei', { imei: 'x00434060000010' }],
    ['momsn', { momsn: '65536' }],
    ['momsn', { momsn: '-1' }],
    ['momsn', { momsn: '7.5' }],
    ['momsn', { momsn: undefined }],
    ['transmit_time', { transmit_time: '2026-07-14 03:20:00' }],
    ['data', { data: 'abc' }],
    ['data', { data: 'zz' }],
    ['data', { data: 7 }],
    ['data', { data: 'ab'.repeat(341) }],
  ])('refuses a bad %s', (field, change) => {
    let error: unknown;
    try {
      pushFromClaims({ ...base, ...change });
    } catch (err) {
      error = err;
    }
    expect(isKitError(error, 'JWT_INVALID')).toBe(true);
    expect((error as Error).message).toContain(field);
  });

  it('keys a push on imei, momsn and transmit_time', () => {
    const a = pushFromClaims(base);
    expect(pushKey(a)).toBe(pushKey(pushFromClaims({ ...base, data: 'ff' })));
    expect(pushKey(a)).not.toBe(pushKey(pushFromClaims({ ...base, momsn: '8' })));
    expect(pushKey(a)).not.toBe(pushKey(pushFromClaims({ ...base, transmit_time: '26-07-14 03:20:01' })));
    expect(pushKey(a)).not.toBe(pushKey(pushFromClaims({ ...base, imei: '300434060000011' })));
  });
});

describe('parsePushBody', () => {
  it('refuses other media types and charsets as unsupported, and bad bytes as malformed', () => {
    const problem = (type: string | undefined, text: string | Uint8Array) => {
      try {
        parsePushBody(type, typeof text === 'string' ? utf8(text) : text);
        return 'parsed';
      } catch (err) {
        return pushBodyProblem(err);
      }
    };
    expect(problem('text/plain', 'JWT=x')).toBe('unsupported-type');
    expect(problem(undefined, 'JWT=x')).toBe('unsupported-type');
    expect(problem('application/json; charset=latin1', '{}')).toBe('unsupported-type');
    expect(problem('application/json', '[1]')).toBe('malformed');
    expect(problem('application/json', '{"a":')).toBe('malformed');
    expect(problem('Application/JSON; Charset="UTF-8"', '{"a":1}')).toBe('parsed');
    expect(problem(FORM_TYPE, 'JWT=a&JWT=b')).toBe('malformed');
    expect(problem(FORM_TYPE, Uint8Array.of(0x4a, 0x3d, 0xff))).toBe('malformed');
  });

  it('finds the token field as JWT or any capitalisation', () => {
    expect(tokenOf({ JWT: 'a' })).toBe('a');
    expect(tokenOf({ jwt: 'b' })).toBe('b');
    expect(tokenOf({ data: 'c' })).toBeUndefined();
  });

  it('throws nothing but KitError JWT_INVALID for arbitrary bytes (property)', () => {
    const types = fc.constantFrom(JSON_TYPE, FORM_TYPE, 'text/plain', '', 'application/json; charset=utf-16');
    fc.assert(
      fc.property(
        types,
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string().map(utf8), fc.json().map(utf8)),
        (type, bytes) => {
          try {
            const body = parsePushBody(type, bytes);
            expect(typeof body).toBe('object');
            tokenOf(body);
          } catch (err) {
            expect(isKitError(err, 'JWT_INVALID')).toBe(true);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('a form body round-trips every field (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (fields) => {
        const text = new URLSearchParams(Object.entries(fields)).toString();
        expect({ ...parsePushBody(FORM_TYPE, utf8(text)) }).toEqual({ ...fields });
      }),
    );
  });
});

/**
 * Tests for jwt.ts (docs/iridium.md §2.2, §7.5, §7.6 "JWT"): the real tokens verify with the
 * published key; any changed byte, another key, `none`, HS256 and a wrong issuer fail with
 * JWT_INVALID.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { signCompact, signPushToken, testRock7PrivateKey } from '../../sim/rockblock/sign-push-token.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from '../../sim/rockblock/test-key.js';
import { ADALLOLIO_2020_TOKEN, GOBY_2023_TOKEN } from './fixtures/push-captures.js';
import { jwtRejection, Rock7JwtVerifier } from './jwt.js';
import { ROCK7_PUBLIC_KEY_PEM } from './rock7-key.js';

const rock7 = new Rock7JwtVerifier();
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const GOBY_PAYLOAD = Buffer.from(GOBY_2023_TOKEN.split('.')[1] as string, 'base64url').toString();

/** The rejection word, or 'accepted'; anything but a JWT_INVALID KitError fails the test. */
function outcome(verifier: Rock7JwtVerifier, token: unknown): string {
  try {
    verifier.verify(token);
    return 'accepted';
  } catch (err) {
    if (!isKitError(err, 'JWT_INVALID')) throw err;
    return jwtRejection(err) ?? 'unnamed';
  }
}

describe('Rock7JwtVerifier with the published key', () => {
  it('verifies the §2.2 test vector and returns its claims exactly', () => {
    expect(rock7.verify(GOBY_2023_TOKEN)).toEqual({
      iss: 'Rock 7',
      iat: 1693888475,
      data: '546865726520617265203130207479706573206f662070656f706c652077686f20756e6465727374616e642062696e617279',
      device_type: 'ROCKBLOCK',
      imei: '300434062099430',
      iridium_cep: '3.0',
      iridium_latitude: '75.0001',
      iridium_longitude: '154.1209',
      momsn: '66',
      serial: '14331',
      transmit_time: '23-09-05 04:33:24',
    });
  });

  it('verifies the 2020 capture, with iridium_session_status', () => {
    expect(rock7.verify(ADALLOLIO_2020_TOKEN)).toMatchObject({
      iat: 1592566153,
      iridium_session_status: '0',
    });
  });

  it('fails every token with one character changed, at any position, to any other character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(fc.nat({ max: GOBY_2023_TOKEN.length - 1 }), fc.constantFrom(...alphabet), (at, ch) => {
        fc.pre(GOBY_2023_TOKEN[at] !== ch);
        const token = GOBY_2023_TOKEN.slice(0, at) + ch + GOBY_2023_TOKEN.slice(at + 1);
        expect(outcome(rock7, token)).not.toBe('accepted');
      }),
      { numRuns: 3000 },
    );
  });

  it('fails when the last signature character changes only its spare bits (non-canonical base64url)', () => {
    // 256 signature bytes leave 4 unused bits in the last character: "g" and "h" decode alike.
    const last = GOBY_2023_TOKEN.at(-1);
    expect(last).toBe('g');
    const twin = `${GOBY_2023_TOKEN.slice(0, -1)}h`;
    expect(Buffer.from(twin.split('.')[2] as string, 'base64url')).toEqual(
      Buffer.from(GOBY_2023_TOKEN.split('.')[2] as string, 'base64url'),
    );
    expect(outcome(rock7, twin)).toBe('malformed');
  });

  it('fails truncated, extended and re-segmented tokens', () => {
    fc.assert(
      fc.property(fc.nat({ max: GOBY_2023_TOKEN.length - 1 }), (cut) => {
        expect(outcome(rock7, GOBY_2023_TOKEN.slice(0, cut))).not.toBe('accepted');
      }),
      { numRuns: 300 },
    );
    expect(outcome(rock7, `${GOBY_2023_TOKEN}A`)).not.toBe('accepted');
    expect(outcome(rock7, `${GOBY_2023_TOKEN}.`)).toBe('malformed');
    expect(outcome(rock7, `${GOBY_2023_TOKEN}=`)).toBe('malformed');
    expect(outcome(rock7, '')).toBe('malformed');
    expect(outcome(rock7, undefined)).toBe('malformed');
    expect(outcome(rock7, 42)).toBe('malformed');
    expect(outcome(rock7, 'a'.repeat(9000))).toBe('malformed');
  });

  it('fails a token signed with another RSA key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(outcome(rock7, signCompact('{"alg":"RS256"}', GOBY_PAYLOAD, other))).toBe('signature');
  });

  it('fails alg none, with or without a signature', () => {
    const [h, p] = [b64('{"alg":"none"}'), b64(GOBY_PAYLOAD)];
    expect(outcome(rock7, `${h}.${p}.`)).toBe('algorithm');
    expect(outcome(rock7, `${h}.${p}.${GOBY_2023_TOKEN.split('.')[2]}`)).toBe('algorithm');
    expect(outcome(rock7, `${b64('{"alg":"None"}')}.${p}.`)).toBe('algorithm');
    expect(outcome(rock7, `${b64('{}')}.${p}.${GOBY_2023_TOKEN.split('.')[2]}`)).toBe('algorithm');
  });

  it('fails HS256 keyed with the public key text (the algorithm-confusion attack)', () => {
    const [h, p] = [b64('{"alg":"HS256","typ":"JWT"}'), b64(GOBY_PAYLOAD)];
    const mac = createHmac('sha256', ROCK7_PUBLIC_KEY_PEM).update(`${h}.${p}`).digest('base64url');
    expect(outcome(rock7, `${h}.${p}.${mac}`)).toBe('algorithm');
  });

  it('fails a header with crit, and a header or payload that is not a JSON object', () => {
    const key = testRock7PrivateKey();
    const test = new Rock7JwtVerifier({ key: TEST_ROCK7_PUBLIC_KEY_PEM });
    const claims = '{"iss":"Rock 7","iat":1}';
    expect(outcome(test, signCompact('{"alg":"RS256"}', claims, key))).toBe('accepted');
    expect(outcome(test, signCompact('{"alg":"RS256","crit":["b64"]}', claims, key))).toBe('malformed');
    expect(outcome(test, signCompact('{"alg":"RS256"}', '["Rock 7"]', key))).toBe('malformed');
    expect(outcome(test, signCompact('{"alg":"RS256"}', 'null', key))).toBe('malformed');
    expect(outcome(test, `${b64('[')}.${b64(claims)}.AAAA`)).toBe('malformed');
  });
});

describe('Rock7JwtVerifier with a configured test key', () => {
  const test = new Rock7JwtVerifier({ key: TEST_ROCK7_PUBLIC_KEY_PEM, now: () => 1_700_000_000_000 });

  it('verifies what the simulator signs, and the published key does not', () => {
    const token = signPushToken({ imei: '300434060000010', momsn: '1' }, 1_700_000_000);
    expect(test.verify(token)).toEqual({
      iss: 'Rock 7',
      iat: 1_700_000_000,
      imei: '300434060000010',
      momsn: '1',
    });
    expect(outcome(rock7, token)).toBe('signature');
    expect(outcome(test, GOBY_2023_TOKEN)).toBe('signature');
  });

  it('checks the issuer exactly', () => {
    const key = testRock7PrivateKey();
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iat":1}', key))).toBe('issuer');
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iss":"Rock7"}', key))).toBe('issuer');
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iss":"rock 7"}', key))).toBe('issuer');
  });

  it('does not require exp nor a recent iat, but honours an exp that is there', () => {
    const key = testRock7PrivateKey();
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iss":"Rock 7","iat":1}', key))).toBe('accepted');
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iss":"Rock 7","exp":1800000000}', key))).toBe(
      'accepted',
    );
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iss":"Rock 7","exp":1600000000}', key))).toBe(
      'expired',
    );
    expect(outcome(test, signCompact('{"alg":"RS256"}', '{"iss":"Rock 7","exp":"soon"}', key))).toBe(
      'malformed',
    );
  });

  it('refuses a key that is not an RSA public key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(() => new Rock7JwtVerifier({ key: ec })).toThrow(TypeError);
    expect(() => new Rock7JwtVerifier({ key: testRock7PrivateKey() })).toThrow(TypeError);
  });

  it('throws nothing but JWT_INVALID for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 }), fc.string(), (a, b, c) => {
        for (const token of [
          `${a}.${b}.${c}`,
          `${b64(a)}.${b64(b)}.${c}`,
          `${b64('{"alg":"RS256"}')}.${b64(b)}.${c}`,
        ])
          expect(outcome(test, token)).not.toBe('accepted');
      }),
      { numRuns: 2000 },
    );
  });
});

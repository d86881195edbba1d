/**
 * Signs push tokens the way Rock7 does (docs/iridium.md §2.2), for the simulated RockBLOCK
 * cloud and for tests: header exactly `{"alg":"RS256"}` (no typ, no kid), payload `iss` and `iat`
 * first and then every POST field as a string in alphabetical order, RS256 over the two base64url
 * segments. With the same claims and key it reproduces a real token byte for byte.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { TEST_ROCK7_PRIVATE_KEY_PEM } from './test-key.js';

let testKey: KeyObject | undefined;

/** The repository's test private key (test-key.ts), parsed once: for tests only. */
export function testRock7PrivateKey(): KeyObject {
  testKey ??= createPrivateKey(TEST_ROCK7_PRIVATE_KEY_PEM);
  return testKey;
}

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** RS256-signs `header.payload` (both given as JSON text) and returns the compact token. */
export function signCompact(headerJson: string, payloadJson: string, key: KeyObject): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input, 'ascii'), key).toString('base64url')}`;
}

/**
 * A push token for `fields` (the POST fields, as strings), issued at `iat` (Unix seconds), signed
 * with `key` (default: the repository's test key, for tests only).
 */
export function signPushToken(
  fields: Readonly<Record<string, string>>,
  iat: number,
  key: KeyObject = testRock7PrivateKey(),
): string {
  const claims: Record<string, string | number> = { iss: 'Rock 7', iat };
  for (const name of Object.keys(fields).sort()) claims[name] = fields[name] as string;
  return signCompact('{"alg":"RS256"}', JSON.stringify(claims), key);
}

/**
 * Verification of the JWT that signs every RockBLOCK push (docs/iridium.md §2.2, §7.5).
 *
 * The token is the only authenticated part of a push: the POST fields beside it are unsigned and
 * anyone can send them. So the receiver verifies the token and then reads imei, momsn, data and
 * transmit_time from its claims.
 *
 * Rules, each a defence against a known JWT mistake:
 * - the algorithm is pinned to RS256 and the key is ours, never taken from the token: `none`,
 *   HS256 (an HMAC keyed with the public key) and anything else fail before any crypto runs;
 * - the key must be an RSA public key, checked once at construction;
 * - every segment must be canonical base64url, so no two spellings of one signature exist (Node's
 *   decoder silently ignores stray characters and the spare bits of the last one);
 * - a `crit` header is refused: it names extensions we do not implement (RFC 7515 §4.1.11);
 * - the issuer must be exactly "Rock 7";
 * - `exp` is not required (Rock7 sends none) and `iat` gets no tight window (whether retried
 *   deliveries are re-signed is unknown, §6), but an `exp` that is present is honoured.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { KitError } from '../../../node/src/base/errors.js';
import { rock7PublicKey } from './rock7-key.js';

/** The issuer Rock7 puts in every push token. */
export const ROCK7_ISSUER = 'Rock 7';

/** Tokens longer than this are refused unread; a real one is about 1,100 characters. */
export const MAX_TOKEN_CHARS = 8192;

/** Why a token was refused, as a stable word for logs and counters. */
export type JwtRejection = 'malformed' | 'algorithm' | 'signature' | 'issuer' | 'expired';

/** The claims of a verified token: whatever JSON the signer put there. */
export type JwtClaims = Readonly<Record<string, unknown>>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function refuse(reason: JwtRejection, detail: string): never {
  throw new KitError('JWT_INVALID', `push token refused (${reason}): ${detail}`);
}

/** The reason word of a JWT_INVALID error made here, or undefined for any other error. */
export function jwtRejection(err: unknown): JwtRejection | undefined {
  if (!(err instanceof KitError) || err.code !== 'JWT_INVALID') return undefined;
  const m = /^push token refused \((\w+)\)/.exec(err.message);
  return m?.[1] as JwtRejection | undefined;
}

/** Decodes one segment, refusing anything but the one canonical unpadded base64url spelling. */
function segment(text: string, what: string): Buffer {
  if (!BASE64URL.test(text)) refuse('malformed', `${what} is not base64url`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) refuse('malformed', `${what} is not canonical base64url`);
  return bytes;
}

function jsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new KitError('JWT_INVALID', `push token refused (malformed): ${what} is not JSON`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuse('malformed', `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Options for {@link Rock7JwtVerifier}. */
export interface Rock7JwtVerifierOptions {
  /**
   * The RSA public key to trust, as a KeyObject or SPKI/PKCS#1 PEM. Default: the published Rock7
   * key. Give another only to accept a simulator's test key.
   */
  key?: KeyObject | string;
  /** Unix ms now, for an `exp` claim if a token has one. Default Date.now. */
  now?: () => number;
}

/** Verifies RockBLOCK push tokens against one RSA key. */
export class Rock7JwtVerifier {
  readonly #key: KeyObject;
  readonly #now: () => number;

  /** @throws TypeError if the key is not an RSA public key. */
  constructor(opts: Rock7JwtVerifierOptions = {}) {
    const key = opts.key === undefined ? rock7PublicKey() : opts.key;
    const keyObject = typeof key === 'string' ? createPublicKey(key) : key;
    if (keyObject.type !== 'public' || keyObject.asymmetricKeyType !== 'rsa') {
      throw new TypeError('the push token key must be an RSA public key');
    }
    this.#key = keyObject;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Verifies `token` and returns its claims.
   *
   * @throws KitError JWT_INVALID, its message naming the {@link JwtRejection} and what was wrong.
   */
  verify(token: unknown): JwtClaims {
    if (typeof token !== 'string' || token.length === 0) refuse('malformed', 'no token');
    if (token.length > MAX_TOKEN_CHARS) refuse('malformed', `longer than ${MAX_TOKEN_CHARS} characters`);
    const parts = token.split('.');
    if (parts.length !== 3) refuse('malformed', `${parts.length} segments, not 3`);
    const [h, p, s] = parts as [string, string, string];

    const header = jsonObject(segment(h, 'header'), 'header');
    // Pinned before anything else: the token does not choose how it is checked.
    if (header.alg !== 'RS256')
      refuse('algorithm', `alg ${JSON.stringify(header.alg) ?? 'missing'}, not RS256`);
    if ('crit' in header) refuse('malformed', 'crit header names extensions we do not implement');
    const signature = segment(s, 'signature');
    const payload = segment(p, 'payload');

    // RS256 is RSASSA-PKCS1-v1_5 with SHA-256 over the two segments exactly as transmitted.
    let good: boolean;
    try {
      good = verify('RSA-SHA256', Buffer.from(`${h}.${p}`, 'ascii'), this.#key, signature);
    } catch (err) {
      throw new KitError('JWT_INVALID', 'push token refused (signature): verify failed', { cause: err });
    }
    if (!good) refuse('signature', 'does not verify with the configured key');

    const claims = jsonObject(payload, 'payload');
    if (claims.iss !== ROCK7_ISSUER) refuse('issuer', `iss ${JSON.stringify(claims.iss) ?? 'missing'}`);
    if ('exp' in claims) {
      if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
        refuse('malformed', 'exp not a number');
      if (claims.exp * 1000 < this.#now()) refuse('expired', `exp ${claims.exp} has passed`);
    }
    return claims;
  }
}

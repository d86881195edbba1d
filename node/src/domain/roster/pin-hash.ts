/**
 * PIN hashes (docs/domain-model.md §PINs): scrypt (RFC 7914, node:crypto) with a random salt per
 * person, in a versioned string that carries its own parameters, compared in constant time.
 *
 *   $scrypt$v=1$ln=15,r=8,p=1$<salt>$<hash>
 *
 * in the PHC string format: `v=1` is this way of hashing (the PIN's six ASCII digits, a 16-byte
 * salt, a 32-byte result), `ln` is log2 of scrypt's N, and salt and hash are base64 without
 * padding. A hash is checked with the parameters written in it, so new parameters apply to PINs
 * set from then on, and to older ones as their owners sign in (needsRehash()).
 *
 * One hash takes 32 MiB (128·N·r bytes) for a fraction of a second; hashes run one at a time in
 * this process, so that sign-ins arriving together cannot take more memory than one, and an
 * attacker guessing on line gets one guess per hash time, whatever the API does.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { KitError } from '../../base/errors.js';
import { pinProblem } from './pin.js';
import './roster-errors.js';

export interface PinHashParams {
  /** log2 of scrypt's cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** For a Raspberry Pi: N = 2^15, r = 8, p = 1 (docs/domain-model.md §PINs gives the measurements). */
export const PIN_HASH_PARAMS: Readonly<PinHashParams> = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** What a stored hash may ask for: no less than a test's ln 10, no more memory than 256 MiB. */
const BOUNDS = { ln: [10, 20], r: [1, 16], p: [1, 4], memory: 256 * 2 ** 20 } as const;

const FORMAT =
  /^\$scrypt\$v=1\$ln=([0-9]{1,2}),r=([0-9]{1,2}),p=([0-9])\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

interface ParsedHash {
  params: PinHashParams;
  salt: Buffer;
  hash: Buffer;
}

/** The hash of `pin` with a fresh salt. @throws TypeError when `pin` is not 6 digits (check first). */
export async function hashPin(pin: string, params: PinHashParams = PIN_HASH_PARAMS): Promise<string> {
  const wrong = pinProblem(pin);
  if (wrong !== undefined) throw new TypeError(`hashPin: ${wrong}`);
  const problem = paramsProblem(params);
  if (problem !== undefined) throw new RangeError(`hashPin: ${problem}`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(pin, salt, params);
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$v=1$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * Whether `pin` is the one `stored` was made from. Anything but six digits is simply not it.
 * @throws KitError ROSTER_PIN_HASH_INVALID when `stored` is not a hash this version reads.
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (pinProblem(pin) !== undefined) return false;
  const hash = await derive(pin, parsed.salt, parsed.params);
  return timingSafeEqual(hash, parsed.hash);
}

/** Whether `stored` was made with other parameters than `params`: hash the PIN again at sign-in. */
export function needsRehash(stored: string, params: PinHashParams = PIN_HASH_PARAMS): boolean {
  const p = parse(stored).params;
  return p.ln !== params.ln || p.r !== params.r || p.p !== params.p;
}

/** What is wrong with `stored` as a PIN hash, or undefined. Never throws. */
export function pinHashProblem(stored: unknown): string | undefined {
  if (typeof stored !== 'string') return 'a PIN hash is text';
  const m = FORMAT.exec(stored);
  if (m === null) return 'not a PIN hash of this version ($scrypt$v=1$ln=…,r=…,p=…$salt$hash)';
  return paramsProblem({ ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) });
}

function parse(stored: string): ParsedHash {
  const problem = pinHashProblem(stored);
  const m = FORMAT.exec(stored);
  if (problem !== undefined || m === null) throw new KitError('ROSTER_PIN_HASH_INVALID', problem ?? '');
  return {
    params: { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    salt: Buffer.from(m[4] as string, 'base64'),
    hash: Buffer.from(m[5] as string, 'base64'),
  };
}

function paramsProblem({ ln, r, p }: PinHashParams): string | undefined {
  const within = (v: number, [lo, hi]: readonly [number, number]) =>
    Number.isInteger(v) && v >= lo && v <= hi;
  if (!within(ln, BOUNDS.ln) || !within(r, BOUNDS.r) || !within(p, BOUNDS.p))
    return `parameters ln=${ln},r=${r},p=${p} outside ln 10–20, r 1–16, p 1–4`;
  if (memoryOf({ ln, r, p }) > BOUNDS.memory) return `ln=${ln},r=${r} would take more than 256 MiB`;
  return undefined;
}

/** scrypt's working memory, 128·N·r bytes. */
function memoryOf({ ln, r }: PinHashParams): number {
  return 128 * 2 ** ln * r;
}

let turn: Promise<unknown> = Promise.resolve();

/** One hash at a time in this process (see the header). */
function derive(pin: string, salt: Buffer, params: PinHashParams): Promise<Buffer> {
  const run = turn.then(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        const options = { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: 2 * memoryOf(params) };
        scrypt(pin, salt, HASH_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
  turn = run.catch(() => {});
  return run;
}

/**
 * The wire codec's throughput, without authentication and with it (docs/wire-format.md §6
 * Authentication, §6.3 Verification), measured through the calls the node itself makes: a
 * sender's `encodeMessage` with `macAuthenticator` or `signatureAuthenticator`; a receiver's
 * `decodeFrame` then `verifyFrame` with a key ring, a trusted clock and, as the core passes it
 * (node/src/core/inbound-check.ts), a replay window that only answers: the core records the
 * sequence once the message is on disk, which is the store's cost, not the codec's.
 *
 * - `mac`: the 8-byte HMAC tag under the kit's key, on the reference messages that carry one
 *   (R1, R3, R4, R5; a warning, R2, must be signed).
 * - `signature`: the 64-byte Ed25519 signature, on all five: R2 by its issuer, the others by their
 *   origin's identity key (what a node signs with when it shares no key with the destination).
 *
 * Each scheme carries the unauthenticated figures of its own messages, measured in turn with it
 * (ops-rate.ts): R2 alone is longer than the other four together (154 bytes against 150), so
 * figures over different messages do not compare, nor do figures taken at different times on a
 * machine shared with other work.
 */
import type { KeyObject } from 'node:crypto';
import {
  type KeyRing,
  macAuthenticator,
  macKeyNode,
  signatureAuthenticator,
  verifyFrame,
} from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw, type SigningKeyPair } from '../node/src/crypto/ed25519.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_KEY,
  FIXTURE_ISSUER_PUBLIC,
  fixtureMacKey,
} from '../node/src/wire/fixtures/fixture-keys.js';
import {
  CENTRE_NODE,
  REFERENCE_MESSAGES,
  REFERENCE_TIME,
} from '../node/src/wire/fixtures/reference-messages.js';
import { KINDS } from '../node/src/wire/kinds.js';
import { type Authenticator, decodeFrame, encodeMessage, type Message } from '../node/src/wire/message.js';
import { rates } from './ops-rate.js';

/** Messages per second without authentication (scheme none: no trailer, nothing to verify). */
export interface UnauthenticatedThroughput {
  /** `encodeMessage`. */
  encodePerSec: number;
  /** `decodeFrame`. */
  decodePerSec: number;
  /** Both, one after the other. */
  encodeDecodePerSec: number;
}

/** One authentication scheme's figures, messages per second. */
export interface SchemeThroughput {
  /** The reference messages measured, e.g. R1, R3, R4, R5; one round runs each once. */
  messages: string[];
  /** Bytes the trailer adds to each frame: 8 (MAC) or 64 (signature). */
  trailerBytes: number;
  /** Frames made: `encodeMessage`, the tag or signature included. */
  encodePerSec: number;
  /** Frames taken in: `decodeFrame` then `verifyFrame`, every check passing. */
  decodeVerifyPerSec: number;
  /** Both ends: encode, decode, verify. */
  encodeDecodeVerifyPerSec: number;
  /** The same messages without authentication. */
  unauthenticated: UnauthenticatedThroughput;
}

/** A message as its sender authenticates it under one scheme. */
interface Sending {
  id: string;
  message: Message;
  auth: Authenticator;
}

const isCentre = (node: number): boolean => node === CENTRE_NODE;

/**
 * The senders' authenticators for both schemes, and the key ring of a receiver that holds every
 * key: looked up, as the daemon's ring is (node/src/composition/node-keys.ts), never derived while
 * verifying.
 */
function schemes(): { mac: Sending[]; signature: Sending[]; keys: KeyRing } {
  const macKeys = new Map<number, Uint8Array>();
  const identities = new Map<number, SigningKeyPair>();
  const nodeKeys = new Map<number, KeyObject>();
  const mac: Sending[] = [];
  const signature: Sending[] = [];
  for (const { id, message } of REFERENCE_MESSAGES) {
    if (KINDS[message.kind].auth === 'signature') {
      signature.push({ id, message, auth: signatureAuthenticator(FIXTURE_ISSUER_KEY) });
      continue;
    }
    const node = macKeyNode(message, { isCentre });
    if (node === undefined) throw new TypeError(`${id} has no MAC key node`);
    if (!macKeys.has(node)) macKeys.set(node, fixtureMacKey(node));
    mac.push({ id, message, auth: macAuthenticator(macKeys.get(node) as Uint8Array) });
    let identity = identities.get(message.origin);
    if (identity === undefined) {
      identity = generateSigningKeyPair();
      identities.set(message.origin, identity);
      nodeKeys.set(message.origin, publicKeyFromRaw(identity.publicKey));
    }
    signature.push({ id, message, auth: signatureAuthenticator(identity.privateKey) });
  }
  const issuer = {
    publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC),
    powers: ['warning', 'control'] as const,
  };
  const keys: KeyRing = {
    macKey: (node) => macKeys.get(node),
    relayKey: () => undefined,
    issuerKey: (issuerId) => (issuerId === FIXTURE_ISSUER_ID ? issuer : undefined),
    nodeKey: (node) => nodeKeys.get(node),
    isCentre,
    revoked: () => false,
    issuerFloor: () => 0,
  };
  return { mac, signature, keys };
}

/**
 * One scheme and the same messages without authentication, each pair of operations measured in
 * turn. Throws if a frame does not verify, so that nothing but success is timed.
 */
function measureScheme(sendings: readonly Sending[], keys: KeyRing): SchemeThroughput {
  // Within every reference message's lifetime, on a clock the receiver trusts, so that the
  // lifetime and expiry checks run too.
  const verify = {
    keys,
    replay: { accept: () => 'new' as const },
    now: REFERENCE_TIME + 31 * 60,
    clockTrusted: true,
  };
  const none = { scheme: 'none' } as const;
  const frames = sendings.map((s) => encodeMessage(s.message, s.auth));
  const plainFrames = sendings.map((s) => encodeMessage(s.message, none));
  for (const [i, frame] of frames.entries()) {
    if (verifyFrame(decodeFrame(frame), verify).kind !== sendings[i]?.message.kind)
      throw new Error(`${sendings[i]?.id} verified as another kind`);
  }
  const trailers = new Set(frames.map((f) => decodeFrame(f).trailer.length));
  if (trailers.size !== 1) throw new Error('frames of one scheme with trailers of different sizes');
  // Messages per second: each operation handles every message once.
  const perSecond = (ops: Array<() => void>) => rates(ops).map((r) => Math.round(r * sendings.length));
  const [plainEncode, encode] = perSecond([
    () => {
      for (const s of sendings) encodeMessage(s.message, none);
    },
    () => {
      for (const s of sendings) encodeMessage(s.message, s.auth);
    },
  ]);
  const [plainDecode, decodeVerify] = perSecond([
    () => {
      for (const f of plainFrames) decodeFrame(f);
    },
    () => {
      for (const f of frames) verifyFrame(decodeFrame(f), verify);
    },
  ]);
  const [plainBoth, both] = perSecond([
    () => {
      for (const s of sendings) decodeFrame(encodeMessage(s.message, none));
    },
    () => {
      for (const s of sendings) verifyFrame(decodeFrame(encodeMessage(s.message, s.auth)), verify);
    },
  ]);
  return {
    messages: sendings.map((s) => s.id),
    trailerBytes: [...trailers][0] as number,
    encodePerSec: encode as number,
    decodeVerifyPerSec: decodeVerify as number,
    encodeDecodeVerifyPerSec: both as number,
    unauthenticated: {
      encodePerSec: plainEncode as number,
      decodePerSec: plainDecode as number,
      encodeDecodePerSec: plainBoth as number,
    },
  };
}

/**
 * The codec's throughput: with a signature, on all five reference messages (its `unauthenticated`
 * figures are those of all five), and with a MAC tag, on the four that carry one.
 */
export function measureThroughput(): { signature: SchemeThroughput; mac: SchemeThroughput } {
  const { mac, signature, keys } = schemes();
  if (signature.length !== REFERENCE_MESSAGES.length) throw new Error('not every message is signed');
  return { signature: measureScheme(signature, keys), mac: measureScheme(mac, keys) };
}

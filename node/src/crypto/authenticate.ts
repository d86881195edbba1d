/**
 * Authentication of message frames: making the trailer when sending, and checking it, the
 * lifetime and the replay window when receiving (docs/design.md §Security; docs/wire-format.md
 * §Authentication).
 *
 * - Warnings and control messages carry an Ed25519 signature by an authorised issuer; the issuer
 *   id is in the body, and its key must have the power to sign that kind.
 * - Every other kind carries an 8-byte HMAC-SHA256 tag under the key the kit shares with the
 *   centre: the origin's key, or the destination's when the centre is the origin. Between two
 *   nodes that share no key (a custody signal from a relay, a text from kit to kit) it carries
 *   instead a signature by the origin node's own identity key.
 * - Each failure has its own error code, so the log says whether a message was forged, altered,
 *   replayed or stale.
 */
import type { KeyObject } from 'node:crypto';
import { KitError } from '../base/errors.js';
import { type Envelope, expiresAt } from '../wire/envelope.js';
import { KINDS } from '../wire/kinds.js';
import type { Authenticator, DecodedFrame, Message } from '../wire/message.js';
import { encodeRelayTags } from '../wire/relay-tags.js';
import { sign, verifySignature } from './ed25519.js';
import { verifyHopTag } from './hop-tag.js';
import { macTag, verifyMacTag } from './mac.js';
import { receiptTag, verifyReceiptTag } from './receipt-tag.js';
import type { ReplayWindow } from './replay-window.js';

export type IssuerPower = 'warning' | 'control';

export interface IssuerKey {
  publicKey: KeyObject;
  powers: readonly IssuerPower[];
  /** Unix seconds after which the key signs nothing valid. */
  validUntil?: number;
}

/** The keys a node knows: looked up, never enumerated. */
export interface KeyRing {
  /**
   * The end-to-end MAC key a kit shares with the centre: a kit knows its own, the centre every
   * kit's (docs/security.md §Keys).
   */
  macKey(nodeId: number): Uint8Array | undefined;
  /**
   * The relay key of a kit, for its hop tags (docs/wire-format.md §6.4): a kit knows its own, a
   * gateway those of the kits the centre gave it, the centre every kit's.
   */
  relayKey(nodeId: number): Uint8Array | undefined;
  /**
   * The node this ring belongs to (NodeCore sets it): a relay-tagged receipt (docs/wire-format.md
   * §6.5) is checked only with the tag for it, under its own relay key. Without it no relay tag
   * checks anything here.
   */
  self?: number;
  issuerKey(issuerId: number): IssuerKey | undefined;
  /** The Ed25519 identity key of a node, for messages it signs as itself. */
  nodeKey(nodeId: number): KeyObject | undefined;
  /** Whether a node id is one of the county centre's (its messages are tagged with the peer's key). */
  isCentre(nodeId: number): boolean;
  /** Whether the centre revoked this node (a signed control message): its frames are refused. */
  revoked(nodeId: number): boolean;
  /**
   * The lowest envelope sequence still valid for messages signed by this issuer: it only moves up
   * (a signed control message raises it). 0 when none was set.
   */
  issuerFloor(issuerId: number): number;
}

export function macAuthenticator(key: Uint8Array): Authenticator {
  return { scheme: 'mac', trailer: (bytes) => macTag(key, bytes) };
}

export function signatureAuthenticator(privateKey: KeyObject): Authenticator {
  return { scheme: 'signature', trailer: (bytes) => sign(privateKey, bytes) };
}

/**
 * One receipt tag per kit, under each kit's relay key (docs/wire-format.md §6.5): for a custody or
 * vouched receipt to kits this relay holds R for.
 */
export function relayTagsAuthenticator(kits: ReadonlyMap<number, Uint8Array>): Authenticator {
  return {
    scheme: 'relay-tags',
    trailer: (bytes) =>
      encodeRelayTags(bytes, [...kits.keys()], (kit, covered) =>
        receiptTag(kits.get(kit) as Uint8Array, kit, covered),
      ),
  };
}

/** Which node's MAC key tags a message: the kit's, whichever end of the conversation it is. */
export function macKeyNode(
  env: Pick<Envelope, 'origin' | 'dest'>,
  keys: Pick<KeyRing, 'isCentre'>,
): number | undefined {
  if (!keys.isCentre(env.origin)) return env.origin;
  return env.dest.to === 'node' ? env.dest.node : undefined;
}

export interface VerifyOptions {
  keys: KeyRing;
  /** Records (origin, seq) when everything else passed (a caller may pass a check-only view). */
  replay: Pick<ReplayWindow, 'accept'>;
  /** This node's time, unix seconds. */
  now: number;
  /** Whether `now` can be trusted; when not, nothing is rejected as expired (docs/design.md §Time). */
  clockTrusted: boolean;
}

/**
 * Verifies a decoded frame and records its id. Returns the message on success; throws a KitError
 * with an AUTH_* code otherwise, or WIRE_UNSUPPORTED_VERSION for a kind this version does not know
 * (relays forward those as they are).
 */
export function verifyFrame(frame: DecodedFrame, opts: VerifyOptions): Message {
  const { message, envelope } = frame;
  if (!message) {
    // A later version's kind: its rules are unknown here, so it cannot be trusted, only forwarded.
    throw new KitError('WIRE_UNSUPPORTED_VERSION', `kind ${envelope.kindCode} is unknown to this version`);
  }
  if (checkAuthentication(frame, message, undefined, opts) === undefined) {
    if (envelope.auth !== 'relay-tags')
      throw new KitError('AUTH_UNKNOWN_KEY', `no key for ${message.kind} ${id(envelope)}`);
    const self = opts.keys.self;
    const tagged = frame.relayTags?.some((t) => t.kit === self) === true;
    // A frame to everyone on the link that answers other kits is overheard, not forged.
    throw new KitError(
      envelope.dest.to !== 'node' && !tagged ? 'AUTH_NO_TAG_HERE' : 'AUTH_UNKNOWN_KEY',
      tagged
        ? `${message.kind} ${id(envelope)} carries a relay tag for this node (${self}), but this node holds no relay key of its own to check it: give it its kit key`
        : `${message.kind} ${id(envelope)} carries no relay tag for this node (${self ?? 'unnamed'}): it says nothing here`,
    );
  }
  checkTime(frame, message, opts);
  const seen = opts.replay.accept(envelope.origin, envelope.seq);
  if (seen !== 'new') {
    throw new KitError('AUTH_REPLAY', `${message.kind} ${id(envelope)} is a replay (${seen})`);
  }
  return message;
}

/** How a relay checked a frame it does not deliver (docs/security.md §Checked at this hop). */
export type HopCheck =
  | { checked: true; message: Message; by: CheckedBy }
  | { checked: false; reason: string };

/**
 * The key a frame was checked with: an issuer's, its origin's identity, the end-to-end tag, the hop
 * tag, this node's receipt tag.
 */
export type CheckedBy = 'issuer' | 'node' | 'mac' | 'hop-tag' | 'relay-tag';

/**
 * Checks a frame at a relay with whatever key this node holds (docs/wire-format.md §6.3, §6.4).
 * Returns checked, or unchecked when this node holds no key that could check it; throws a KitError
 * when a key it holds says the frame is forged, altered, revoked, below its issuer's floor or
 * expired, and AUTH_MISSING for a frame with no authentication at all. Records nothing: the caller
 * dedups by what it stores.
 * @param hopTag the hop tag the frame came with, if any.
 */
export function checkAtHop(
  frame: DecodedFrame,
  hopTag: Uint8Array | undefined,
  opts: Omit<VerifyOptions, 'replay'>,
): HopCheck {
  const { message, envelope } = frame;
  if (envelope.auth === 'none') {
    throw new KitError('AUTH_MISSING', `${id(envelope)} carries no authentication; refused from the air`);
  }
  if (!message) return { checked: false, reason: `kind ${envelope.kindCode} is unknown to this version` };
  const by = checkAuthentication(frame, message, hopTag, opts);
  if (by === undefined)
    return { checked: false, reason: `no key here checks ${message.kind} ${id(envelope)}` };
  checkTime(frame, message, opts);
  return { checked: true, message, by };
}

/**
 * The signature or tag of a frame, with the key this node holds; the key it used, or undefined
 * when it holds none that applies (throws when a key it holds refuses the frame).
 */
function checkAuthentication(
  frame: DecodedFrame,
  message: Message,
  hopTag: Uint8Array | undefined,
  opts: Pick<VerifyOptions, 'keys' | 'now' | 'clockTrusted'>,
): CheckedBy | undefined {
  const { envelope } = frame;
  const { keys } = opts;
  if (keys.revoked(envelope.origin)) {
    throw new KitError(
      'AUTH_REVOKED',
      `${message.kind} ${id(envelope)}: node ${envelope.origin} was revoked`,
    );
  }
  const required = KINDS[message.kind].auth;
  if (required === 'signature') {
    if (envelope.auth !== 'signature')
      throw new KitError('AUTH_MISSING', `a ${message.kind} must be signed by an issuer`);
    checkIssuer(frame, message, opts);
    return 'issuer';
  }
  if (envelope.auth === 'signature') {
    const key = keys.nodeKey(envelope.origin);
    if (!key) return undefined;
    if (!verifySignature(key, frame.authenticated, frame.trailer)) {
      throw new KitError(
        'AUTH_SIGNATURE_INVALID',
        `${message.kind} ${id(envelope)}: signature of node ${envelope.origin} does not verify`,
      );
    }
    return 'node';
  }
  if (envelope.auth === 'relay-tags') return checkRelayTag(frame, message, keys);
  if (envelope.auth !== 'mac')
    throw new KitError('AUTH_MISSING', `a ${message.kind} must carry a MAC tag or its node's signature`);
  const node = macKeyNode(envelope, keys);
  if (node === undefined) return undefined;
  if (keys.revoked(node)) {
    throw new KitError('AUTH_REVOKED', `${message.kind} ${id(envelope)}: node ${node} was revoked`);
  }
  const key = keys.macKey(node);
  if (key) {
    if (!verifyMacTag(key, frame.authenticated, frame.trailer)) {
      throw new KitError('AUTH_TAG_INVALID', `${message.kind} ${id(envelope)}: MAC tag does not verify`);
    }
    return 'mac';
  }
  const relayKey = keys.relayKey(node);
  if (!relayKey || !hopTag) return undefined;
  const whole = new Uint8Array(frame.authenticated.length + frame.trailer.length);
  whole.set(frame.authenticated);
  whole.set(frame.trailer, frame.authenticated.length);
  if (!verifyHopTag(relayKey, whole, hopTag)) {
    throw new KitError(
      'AUTH_TAG_INVALID',
      `${message.kind} ${id(envelope)}: hop tag of node ${node} does not verify`,
    );
  }
  return 'hop-tag';
}

/**
 * A relay-tagged receipt (docs/wire-format.md §6.5): only a custody or vouched receipt may carry
 * relay tags, and it speaks to this node only through the tag for this node, under its own relay
 * key. A tag for another kit says nothing here, even when this node holds that kit's key (a
 * gateway, the centre): a kit could otherwise tell its gateway, in a relay's name, to drop what
 * it holds. Undefined when the frame has no tag for this node.
 */
function checkRelayTag(frame: DecodedFrame, message: Message, keys: KeyRing): CheckedBy | undefined {
  const { envelope } = frame;
  const scope = message.kind === 'receipt' ? message.body.scope : undefined;
  if (scope !== 'custody' && scope !== 'vouched') {
    throw new KitError(
      'AUTH_MISSING',
      `${message.kind} ${id(envelope)} carries relay tags, which only a custody or vouched receipt may carry`,
    );
  }
  const self = keys.self;
  const entry = self === undefined ? undefined : frame.relayTags?.find((e) => e.kit === self);
  const key = self === undefined ? undefined : keys.relayKey(self);
  if (self === undefined || entry === undefined || key === undefined) return undefined;
  if (!verifyReceiptTag(key, self, entry.covered, entry.tag)) {
    throw new KitError(
      'AUTH_TAG_INVALID',
      `${message.kind} ${id(envelope)}: the receipt tag for node ${self} does not verify under its relay key`,
    );
  }
  return 'relay-tag';
}

/** An issuer's signature, power, key lifetime and floor (docs/wire-format.md §6.2). */
function checkIssuer(
  frame: DecodedFrame,
  message: Message,
  opts: Pick<VerifyOptions, 'keys' | 'now' | 'clockTrusted'>,
): void {
  const { envelope } = frame;
  const issuerId = (message.body as { issuer: number }).issuer;
  const issuer = opts.keys.issuerKey(issuerId);
  if (!issuer) throw new KitError('AUTH_UNKNOWN_KEY', `no key for issuer ${issuerId}`);
  if (!verifySignature(issuer.publicKey, frame.authenticated, frame.trailer)) {
    throw new KitError(
      'AUTH_SIGNATURE_INVALID',
      `${message.kind} ${id(envelope)}: signature of issuer ${issuerId} does not verify`,
    );
  }
  if (!issuer.powers.includes(message.kind as IssuerPower)) {
    throw new KitError('AUTH_NOT_AUTHORISED', `issuer ${issuerId} may not sign a ${message.kind}`);
  }
  if (opts.clockTrusted && issuer.validUntil !== undefined && opts.now > issuer.validUntil) {
    throw new KitError('AUTH_NOT_AUTHORISED', `the key of issuer ${issuerId} expired`);
  }
  const floor = opts.keys.issuerFloor(issuerId);
  if (envelope.seq < floor) {
    throw new KitError(
      'AUTH_REPLAY',
      `${message.kind} ${id(envelope)} is below issuer ${issuerId}'s floor ${floor}: history, not news`,
    );
  }
}

/** Lifetime and a warning's expiry, when both clocks can be trusted (docs/time.md). */
function checkTime(
  frame: DecodedFrame,
  message: Message,
  opts: Pick<VerifyOptions, 'now' | 'clockTrusted'>,
): void {
  const { envelope } = frame;
  if (!opts.clockTrusted || envelope.clockUntrusted) return;
  if (opts.now > expiresAt(envelope)) {
    throw new KitError(
      'AUTH_EXPIRED',
      `${message.kind} ${id(envelope)} outlived its ${envelope.lifetimeMin} min lifetime`,
    );
  }
  if (message.kind === 'warning' && opts.now > message.body.expires) {
    throw new KitError(
      'AUTH_EXPIRED',
      `warning ${id(envelope)} expired at ${new Date(message.body.expires * 1000).toISOString()}`,
    );
  }
}

function id(env: Pick<Envelope, 'origin' | 'seq'>): string {
  return `${env.origin}/${env.seq}`;
}

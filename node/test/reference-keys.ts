/**
 * Authenticators and a key ring for the reference messages, as a kit and the centre of the
 * fixtures would hold them.
 */
import {
  type KeyRing,
  macAuthenticator,
  macKeyNode,
  signatureAuthenticator,
} from '../src/crypto/authenticate.js';
import { publicKeyFromRaw } from '../src/crypto/ed25519.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_KEY,
  FIXTURE_ISSUER_PUBLIC,
  fixtureMacKey,
} from '../src/wire/fixtures/fixture-keys.js';
import { CENTRE_NODE } from '../src/wire/fixtures/reference-messages.js';
import { KINDS } from '../src/wire/kinds.js';
import { type Authenticator, encodeMessage, type Message } from '../src/wire/message.js';

export const fixtureKeyRing: KeyRing = {
  macKey: (node) => fixtureMacKey(node),
  issuerKey: (id) =>
    id === FIXTURE_ISSUER_ID
      ? { publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC), powers: ['warning', 'control'] }
      : undefined,
  isCentre: (node) => node === CENTRE_NODE,
};

export function fixtureAuthenticator(message: Message): Authenticator {
  if (KINDS[message.kind].auth === 'signature') return signatureAuthenticator(FIXTURE_ISSUER_KEY);
  const node = macKeyNode(message, fixtureKeyRing);
  if (node === undefined) throw new Error('fixture message has no MAC key node');
  return macAuthenticator(fixtureMacKey(node));
}

export function encodeFixture(message: Message): Uint8Array {
  return encodeMessage(message, fixtureAuthenticator(message));
}

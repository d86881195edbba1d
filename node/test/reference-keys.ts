/**
 * The key ring a node of the fixtures would hold, and the reference encoder, for tests.
 */

import type { KeyRing } from '../src/crypto/authenticate.js';
import { publicKeyFromRaw } from '../src/crypto/ed25519.js';
import { deriveRelayKey } from '../src/crypto/kit-keys.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_PUBLIC,
  fixtureMacKey,
} from '../src/wire/fixtures/fixture-keys.js';
import { CENTRE_NODE } from '../src/wire/fixtures/reference-messages.js';

export { encodeReference as encodeFixture } from '../src/wire/fixtures/reference-frames.js';

export const fixtureKeyRing: KeyRing = {
  macKey: (node) => fixtureMacKey(node),
  relayKey: (node) => deriveRelayKey(fixtureMacKey(node), node),
  revoked: () => false,
  issuerFloor: () => 0,
  issuerKey: (id) =>
    id === FIXTURE_ISSUER_ID
      ? { publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC), powers: ['warning', 'control'] }
      : undefined,
  nodeKey: () => undefined,
  isCentre: (node) => node === CENTRE_NODE,
};

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../test/kit-errors.js';
import { encodeFixture, fixtureKeyRing } from '../../test/reference-keys.js';
import { KitError } from '../base/errors.js';
import { fixtureMacKey } from '../wire/fixtures/fixture-keys.js';
import { R1, R2, R3, REFERENCE_MESSAGES } from '../wire/fixtures/reference-messages.js';
import { decodeFrame, encodeMessage, type Message } from '../wire/message.js';
import {
  checkAtHop,
  type KeyRing,
  macAuthenticator,
  signatureAuthenticator,
  type VerifyOptions,
  verifyFrame,
} from './authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from './ed25519.js';
import { hopTag } from './hop-tag.js';
import { deriveRelayKey } from './kit-keys.js';
import { ReplayWindow } from './replay-window.js';

const NOW = R1.createdAt + 600;

function options(over: Partial<VerifyOptions> = {}): VerifyOptions {
  return { keys: fixtureKeyRing, replay: new ReplayWindow(), now: NOW, clockTrusted: true, ...over };
}

const verify = (frame: Uint8Array, opts = options()) => verifyFrame(decodeFrame(frame), opts);

describe('verifyFrame', () => {
  it('accepts every reference message with the right keys', () => {
    const opts = options();
    for (const { message } of REFERENCE_MESSAGES) {
      expect(verify(encodeFixture(message), opts).kind).toBe(message.kind);
    }
  });

  it('a forged signature: AUTH_SIGNATURE_INVALID', () => {
    const forger = generateSigningKeyPair();
    const forged = encodeMessage(R2, signatureAuthenticator(forger.privateKey));
    expect(kitErrorCode(() => verify(forged))).toBe('AUTH_SIGNATURE_INVALID');
  });

  it('an altered signed warning: AUTH_SIGNATURE_INVALID', () => {
    const frame = Uint8Array.from(encodeFixture(R2));
    // Turn the instruction's first character into another valid one: 危 (e5 8d b1) → 危 (e5 8d b1 ± 1).
    const at = Buffer.from(frame).indexOf(Buffer.from('危', 'utf8'));
    frame[at + 2] = (frame[at + 2] as number) ^ 1;
    expect(decodeFrame(frame).message).toBeDefined();
    expect(kitErrorCode(() => verify(frame))).toBe('AUTH_SIGNATURE_INVALID');
  });

  it('a wrong tag: AUTH_TAG_INVALID', () => {
    const wrongKey = encodeMessage(R1, macAuthenticator(fixtureMacKey(9999)));
    expect(kitErrorCode(() => verify(wrongKey))).toBe('AUTH_TAG_INVALID');
    const flipped = Uint8Array.from(encodeFixture(R1));
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 0x80;
    expect(kitErrorCode(() => verify(flipped))).toBe('AUTH_TAG_INVALID');
  });

  it('a replayed (origin, sequence): AUTH_REPLAY', () => {
    const opts = options();
    verify(encodeFixture(R3), opts);
    expect(kitErrorCode(() => verify(encodeFixture(R3), opts))).toBe('AUTH_REPLAY');
    // Same id, different content: still a replay of the id.
    expect(
      kitErrorCode(() => verify(encodeFixture({ ...R3, body: { ...R3.body, evacuated: 90 } }), opts)),
    ).toBe('AUTH_REPLAY');
  });

  it('an expired warning: AUTH_EXPIRED', () => {
    const late = options({ now: R2.body.expires + 1 });
    expect(kitErrorCode(() => verify(encodeFixture(R2), late))).toBe('AUTH_EXPIRED');
  });

  it('a message past its lifetime: AUTH_EXPIRED, unless our clock is not trusted', () => {
    const later = R1.createdAt + R1.lifetimeMin * 60 + 1;
    expect(kitErrorCode(() => verify(encodeFixture(R1), options({ now: later })))).toBe('AUTH_EXPIRED');
    expect(verify(encodeFixture(R1), options({ now: later, clockTrusted: false })).kind).toBe('report');
  });

  it('an unsigned warning or untagged report: AUTH_MISSING', () => {
    expect(kitErrorCode(() => verify(encodeMessage(R2, { scheme: 'none' })))).toBe('AUTH_MISSING');
    expect(kitErrorCode(() => verify(encodeMessage(R1, { scheme: 'none' })))).toBe('AUTH_MISSING');
  });

  it("a kit message signed by its node's identity verifies; by anyone else it does not", () => {
    const kit = generateSigningKeyPair();
    const keys = {
      ...fixtureKeyRing,
      nodeKey: (node: number) => (node === R1.origin ? publicKeyFromRaw(kit.publicKey) : undefined),
    };
    expect(verify(encodeMessage(R1, signatureAuthenticator(kit.privateKey)), options({ keys })).kind).toBe(
      'report',
    );
    const other = encodeMessage(R1, signatureAuthenticator(generateSigningKeyPair().privateKey));
    expect(kitErrorCode(() => verify(other, options({ keys })))).toBe('AUTH_SIGNATURE_INVALID');
    expect(kitErrorCode(() => verify(other))).toBe('AUTH_UNKNOWN_KEY');
  });

  it('an unknown issuer: AUTH_UNKNOWN_KEY; an issuer without the power: AUTH_NOT_AUTHORISED', () => {
    const other: Message = { ...R2, body: { ...R2.body, issuer: 77 } };
    expect(kitErrorCode(() => verify(encodeFixture(other)))).toBe('AUTH_UNKNOWN_KEY');
    const controlOnly = options({
      keys: {
        ...fixtureKeyRing,
        issuerKey: (id) => ({ ...fixtureKeyRing.issuerKey(id)!, powers: ['control'] }),
      },
    });
    expect(kitErrorCode(() => verify(encodeFixture(R2), controlOnly))).toBe('AUTH_NOT_AUTHORISED');
  });

  it('a failed check does not poison the replay window', () => {
    const opts = options();
    const wrongKey = encodeMessage(R3, macAuthenticator(fixtureMacKey(1234)));
    expect(kitErrorCode(() => verify(wrongKey, opts))).toBe('AUTH_TAG_INVALID');
    expect(verify(encodeFixture(R3), opts).kind).toBe('ack');
  });

  it('any truncation or single-byte change of a tagged frame is refused (property)', () => {
    const frames = REFERENCE_MESSAGES.map(({ message }) => encodeFixture(message));
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        (frame, at, xor, truncate) => {
          const bytes = Uint8Array.from(frame);
          const i = at % bytes.length;
          let changed = bytes.subarray(0, i);
          if (!truncate) {
            bytes[i] = (bytes[i] as number) ^ xor;
            changed = bytes;
          }
          try {
            verify(changed);
          } catch (err) {
            expect(err).toBeInstanceOf(KitError);
            return;
          }
          throw new Error('a changed frame verified');
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('checkAtHop (docs/wire-format.md §6.3, §6.4)', () => {
  const r1 = encodeFixture(R1); // a kit's report to the centre, tagged with K(2107)
  const tagOf = (frame: Uint8Array) => hopTag(deriveRelayKey(fixtureMacKey(R1.origin), R1.origin), frame);
  /** A gateway's keys: the kit's relay key, never its end-to-end key. */
  const gateway: KeyRing = { ...fixtureKeyRing, macKey: () => undefined };
  const hop = (frame: Uint8Array, tag: Uint8Array | undefined, keys: KeyRing = gateway) =>
    checkAtHop(decodeFrame(frame), tag, { keys, now: NOW, clockTrusted: true });

  it('a gateway checks a kit frame by its hop tag, and the centre by its end-to-end tag', () => {
    expect(hop(r1, tagOf(r1))).toMatchObject({ checked: true, by: 'hop-tag' });
    expect(hop(r1, undefined, fixtureKeyRing)).toMatchObject({ checked: true, by: 'mac' });
  });

  it('without a tag, or without the relay key, the frame is unchecked, not refused', () => {
    expect(hop(r1, undefined).checked).toBe(false);
    expect(hop(r1, tagOf(r1), { ...gateway, relayKey: () => undefined }).checked).toBe(false);
  });

  it('a forged hop tag, or a hop tag of another frame: AUTH_TAG_INVALID', () => {
    const other = encodeFixture({ ...R1, seq: R1.seq + 1 });
    expect(kitErrorCode(() => hop(r1, Uint8Array.of(1, 2, 3, 4)))).toBe('AUTH_TAG_INVALID');
    expect(kitErrorCode(() => hop(r1, tagOf(other)))).toBe('AUTH_TAG_INVALID');
  });

  it('no authentication at all is refused from the air: AUTH_MISSING', () => {
    const bare = encodeMessage(R1, { scheme: 'none' });
    expect(kitErrorCode(() => hop(bare, undefined))).toBe('AUTH_MISSING');
  });

  it('a revoked origin is refused, however well tagged: AUTH_REVOKED', () => {
    const revoked: KeyRing = { ...gateway, revoked: (n) => n === R1.origin };
    expect(kitErrorCode(() => hop(r1, tagOf(r1), revoked))).toBe('AUTH_REVOKED');
    expect(
      kitErrorCode(() =>
        verify(r1, options({ keys: { ...fixtureKeyRing, revoked: (n) => n === R1.origin } })),
      ),
    ).toBe('AUTH_REVOKED');
  });

  it('a warning below its issuer floor is history: AUTH_REPLAY at every hop', () => {
    const floored: KeyRing = { ...fixtureKeyRing, issuerFloor: () => R2.seq + 1 };
    expect(kitErrorCode(() => hop(encodeFixture(R2), undefined, floored))).toBe('AUTH_REPLAY');
    expect(hop(encodeFixture(R2), undefined, fixtureKeyRing)).toMatchObject({ checked: true, by: 'issuer' });
  });
});

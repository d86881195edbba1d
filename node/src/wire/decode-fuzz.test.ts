/**
 * Random and mutated bytes against every decoder of untrusted input: the only thing allowed to
 * escape is a KitError. 100,000+ cases in all (docs/conventions.md §The durable queue: decode never trusts input).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedBytes, onlyKitErrors } from '../../test/kit-errors.js';
import { encodeFixture } from '../../test/reference-keys.js';
import { unpackBatch } from './batch.js';
import { decodeSingle } from './cbor.js';
import { REFERENCE_MESSAGES } from './fixtures/reference-messages.js';
import { securityFrames } from './fixtures/security-messages.js';
import { fragmentFrame, parseFragment } from './fragment.js';
import { unwrapHopTagged } from './hop-tagged.js';
import { decodeFrame, encodeMessage, type Message } from './message.js';

/** Everything a link hands up: a batch of fragments, hop-tagged containers and messages. */
function decodeAnything(bytes: Uint8Array): void {
  for (const entry of unpackBatch(bytes)) {
    if (entry[0] === 0x01) parseFragment(entry);
    else if (entry[0] === 0x03) decodeFrame(unwrapHopTagged(entry).frame);
    else decodeFrame(entry);
  }
}

const valid = [
  ...REFERENCE_MESSAGES.map(({ message }) => encodeFixture(message)),
  ...securityFrames().map((f) => f.frame),
];
const validFragments = fragmentFrame(valid[1] as Uint8Array, 60);

/** A valid frame with some bytes overwritten, inserted or removed. */
const mutatedArb = mutatedBytes(fc.constantFrom(...valid, ...validFragments));

/** Frames that start like a message, so the fuzzer gets past b0 often. */
const messageLikeArb = fc
  .tuple(
    fc.integer({ min: 0x40, max: 0x7f }),
    fc.integer({ min: 0, max: 14 }),
    fc.uint8Array({ maxLength: 120 }),
  )
  .map(([b0, kind, rest]) => Uint8Array.from([b0, kind, ...rest]));

describe('decoders fed random and mutated bytes throw nothing but KitError', () => {
  it('random bytes (40,000 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyKitErrors(() => decodeAnything(b))),
      {
        numRuns: 40_000,
      },
    );
  });

  it('message-like bytes (20,000 cases)', () => {
    fc.assert(
      fc.property(messageLikeArb, (b) => onlyKitErrors(() => decodeAnything(b))),
      { numRuns: 20_000 },
    );
  });

  it('mutated valid frames and fragments (40,000 cases)', () => {
    fc.assert(
      fc.property(mutatedArb, (b) => onlyKitErrors(() => decodeAnything(b))),
      { numRuns: 40_000 },
    );
  });

  it('raw CBOR items (10,000 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => onlyKitErrors(() => decodeSingle(b))),
      {
        numRuns: 10_000,
      },
    );
  });

  it('the fuzzer seeds are valid frames', () => {
    for (const frame of valid) {
      const inner = frame[0] === 0x03 ? unwrapHopTagged(frame).frame : frame;
      expect(decodeFrame(inner).message).toBeDefined();
    }
  });
});

describe('the encoder fed arbitrary objects throws nothing but KitError', () => {
  // Messages reach the encoder from people (the CLI, later the HTTP API): bad input is an error
  // with a code, never a crash.
  it('random values in every envelope and body field (20,000 cases)', () => {
    const anyValue = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double(), fc.constant(undefined));
    const junkFor = (keys: string[]) =>
      fc.record(Object.fromEntries(keys.map((k) => [k, anyValue])), { requiredKeys: [] });
    const cases = REFERENCE_MESSAGES.map(({ message }) =>
      fc
        .tuple(
          junkFor(Object.keys(message)),
          junkFor([...Object.keys(message.body), 'note', 'persons', 'circle']),
        )
        .map(([env, body]) => ({ ...message, ...env, body: { ...message.body, ...body } })),
    );
    fc.assert(
      fc.property(fc.oneof(...cases), (candidate) =>
        onlyKitErrors(() => encodeMessage(candidate as Message, { scheme: 'none' })),
      ),
      { numRuns: 20_000 },
    );
  });
});

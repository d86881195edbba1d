/**
 * What the decoders say about a frame cut short (docs/wire-format.md; docs/operating.md §The
 * command line, which prints these messages): the field, the offset it starts at, and how many
 * bytes are missing, and the codes stay what they were.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageArb } from '../../test/arbitraries.js';
import { kitOutcome } from '../../test/kit-errors.js';
import { encodeFixture } from '../../test/reference-keys.js';
import { packBatches, unpackBatch } from './batch.js';
import { R1, R3, R4, REFERENCE_MESSAGES } from './fixtures/reference-messages.js';
import { securityFrames } from './fixtures/security-messages.js';
import { fragmentFrame, parseFragment } from './fragment.js';
import { unwrapHopTagged } from './hop-tagged.js';
import { KIND_NAMES } from './kinds.js';
import { decodeFrame, encodeMessage } from './message.js';

const r1 = encodeFixture(R1);
const cut = (bytes: Uint8Array, n: number) => bytes.slice(0, n);

/** A truncation message names an offset and says how much is missing. */
const PRECISE = /offset \d+.*\((at least )?\d+ (bytes? )?missing\)/;

describe('a message cut short', () => {
  it('says which envelope field, at which offset, how many bytes are missing', () => {
    expect(kitOutcome(() => decodeFrame(cut(r1, 0)))).toBe(
      'WIRE_TRUNCATED: b0: 1 byte needed at offset 0, 0 left (1 missing)',
    );
    expect(kitOutcome(() => decodeFrame(cut(r1, 3)))).toBe(
      'WIRE_TRUNCATED: origin: the varint at offset 2 has 1 byte and goes on past the end at offset 3 (at least 1 byte missing)',
    );
    expect(kitOutcome(() => decodeFrame(cut(r1, 8)))).toBe(
      'WIRE_TRUNCATED: time: 4 bytes needed at offset 6, 2 left (2 missing)',
    );
    expect(kitOutcome(() => decodeFrame(cut(r1, 17)))).toBe(
      'WIRE_TRUNCATED: MAC tag: 8 bytes needed after the envelope, at offset 13, 4 left (4 missing)',
    );
  });

  it('names the body field whose CBOR item runs past the body, and where the body ends', () => {
    // R1 less 19 bytes: the last 8 are taken for the tag, so the indicator set (15 bytes from
    // offset 17) ends at 22.
    expect(kitOutcome(() => decodeFrame(cut(r1, 30)))).toBe(
      'WIRE_TRUNCATED: report.indicators (body field 3): the CBOR byte string at offset 16 announces 15 bytes, ' +
        'but only 5 are left (10 missing); the body ends at offset 22, where the 8-byte MAC tag begins',
    );
  });

  it('says that a required field is missing because the body ended, and where', () => {
    expect(kitOutcome(() => decodeFrame(cut(r1, 23)))).toBe(
      'WIRE_FIELD_INVALID: report.indicators (body field 3) is required, but the body ends after 2 fields, ' +
        'at offset 15, where the 8-byte MAC tag begins: is the frame cut short?',
    );
  });

  it('every prefix of every vector fails with a precise message, or decodes (a cut between fields)', () => {
    const frames = [...REFERENCE_MESSAGES.map((r) => encodeFixture(r.message)), securityFrames()[0]?.frame];
    for (const frame of frames as Uint8Array[]) {
      for (let n = 0; n < frame.length; n++) {
        const outcome = kitOutcome(() => decodeFrame(cut(frame, n)));
        if (outcome.startsWith('WIRE_TRUNCATED')) expect(outcome).toMatch(PRECISE);
        else if (outcome !== 'ok') expect(outcome).toMatch(/^WIRE_FIELD_INVALID: /);
      }
    }
  });

  it('any message of any kind, cut anywhere: a truncation always says where and how much', () => {
    const arb = fc
      .constantFrom(...KIND_NAMES)
      .chain((kind) => messageArb(kind))
      .map((m) => encodeMessage(m, { scheme: 'none' }))
      .chain((frame) => fc.tuple(fc.constant(frame), fc.integer({ min: 0, max: frame.length - 1 })));
    fc.assert(
      fc.property(arb, ([frame, n]) => {
        const outcome = kitOutcome(() => decodeFrame(cut(frame, n)));
        if (outcome.startsWith('WIRE_TRUNCATED')) expect(outcome).toMatch(PRECISE);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('containers cut short', () => {
  it('a batch entry that runs past the end says which, where and how much', () => {
    const { containers } = packBatches(
      [R4, R1, R3].map((m) => ({ frame: encodeFixture(m), priority: 0 as const })),
      340,
    );
    const batch = containers[0] as Uint8Array;
    expect(kitOutcome(() => unpackBatch(cut(batch, batch.length - 11)))).toBe(
      'WIRE_TRUNCATED: batch entry 2 (announced 29 bytes): 29 bytes needed at offset 84, 18 left (11 missing)',
    );
    expect(kitOutcome(() => unpackBatch(Uint8Array.of(0x02)))).toBe(
      'WIRE_TRUNCATED: batch: an entry was expected at offset 1, after the type byte; the frame ends there',
    );
  });

  it('a fragment or hop-tagged container cut in its header says which field and how much', () => {
    const fragment = fragmentFrame(encodeFixture(REFERENCE_MESSAGES[1]?.message ?? R1), 64)[0] as Uint8Array;
    expect(kitOutcome(() => parseFragment(cut(fragment, 3)))).toBe(
      'WIRE_TRUNCATED: fragment digest: 4 bytes needed at offset 1, 2 left (2 missing)',
    );
    expect(kitOutcome(() => parseFragment(cut(fragment, 7)))).toBe(
      'WIRE_TRUNCATED: fragment chunk: at least 1 byte needed at offset 7, after the header, 0 left (1 missing)',
    );
    const h1 = securityFrames()[1]?.frame as Uint8Array;
    expect(kitOutcome(() => unwrapHopTagged(cut(h1, 3)))).toBe(
      'WIRE_TRUNCATED: hop tag: 4 bytes needed at offset 1, 2 left (2 missing), and no frame follows',
    );
  });
});

/**
 * mo-frames.ts expectsAnswer: which frames the centre answers with a receipt (store-and-forward.md
 * §Satellite), so that the SBD link looks for an overdue receipt only after those.
 */
import { expect, it } from 'vitest';
import { macAuthenticator } from '../../../node/src/crypto/authenticate.js';
import { fixtureMacKey } from '../../../node/src/wire/fixtures/fixture-keys.js';
import { R1, R4, R5 } from '../../../node/src/wire/fixtures/reference-messages.js';
import { encodeMessage } from '../../../node/src/wire/message.js';
import { expectsAnswer } from './mo-frames.js';

const tagged = (m: typeof R1 | typeof R4 | typeof R5) =>
  encodeMessage(m, macAuthenticator(fixtureMacKey(m.origin)));

it('expects an answer to a report, none to a receipt or a message that wants none', () => {
  expect(expectsAnswer(tagged(R1))).toBe(true);
  expect(expectsAnswer(tagged(R5))).toBe(false);
  expect(expectsAnswer(tagged({ ...R4, flags: ['noReceipt'] }))).toBe(false);
  expect(expectsAnswer(tagged({ ...R4, flags: [] }))).toBe(true);
});

it('assumes one for a fragment or a frame it cannot read', () => {
  expect(expectsAnswer(Uint8Array.of(0x01, 1, 2, 3, 4, 0, 2, 9))).toBe(true);
  expect(expectsAnswer(Uint8Array.of(0x54, 0xff))).toBe(true);
});

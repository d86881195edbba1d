/**
 * The parts of `fieldnode wire decode` that take untrusted input (docs/operating.md §The command
 * line): hex as people paste it, and any frame of any kind rendered as text and JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageArb } from '../../test/arbitraries.js';
import { isKitError } from '../base/errors.js';
import { KIND_NAMES } from '../wire/kinds.js';
import { encodeMessage } from '../wire/message.js';
import { describePayload } from './frame-description.js';
import { frameJson } from './frame-json.js';
import { frameText, problemLines } from './frame-text.js';
import { parseHex } from './wire-decode-command.js';

describe('parseHex', () => {
  it('reads back any bytes however the hex is spaced, prefixed and cased', () => {
    const layout = fc.record({
      upper: fc.boolean(),
      prefix: fc.boolean(),
      group: fc.integer({ min: 1, max: 8 }),
      gap: fc.constantFrom(' ', '\n', '\t', '  ', '\r\n'),
    });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), layout, (bytes, l) => {
        const hex = Buffer.from(bytes).toString('hex');
        const words = hex.match(new RegExp(`.{1,${l.group * 2}}`, 'g')) ?? [];
        const text = words.map((w) => `${l.prefix ? '0x' : ''}${l.upper ? w.toUpperCase() : w}`).join(l.gap);
        expect(parseHex(`${l.gap}${text}${l.gap}`)).toEqual(bytes);
      }),
    );
  });

  it('any other text is a usage error, never another failure', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          expect(parseHex(text)).toBeInstanceOf(Uint8Array);
        } catch (err) {
          expect(isKitError(err, 'CLI_USAGE')).toBe(true);
        }
      }),
    );
  });
});

describe('a decoded frame as text and JSON', () => {
  it('any message of any kind renders, with its creation time in UTC and no problem', () => {
    const arb = fc.constantFrom(...KIND_NAMES).chain((kind) => messageArb(kind));
    fc.assert(
      fc.property(arb, (message) => {
        const layer = describePayload(encodeMessage(message, { scheme: 'none' }));
        const text = frameText(layer);
        const created = new Date(message.createdAt * 1000).toISOString().replace('.000Z', 'Z');
        expect(text).toContain(`  created   ${created} (`);
        expect(text).toContain(
          `  kind      ${layer.type === 'message' ? layer.decoded.envelope.kindCode : '?'} ${message.kind}`,
        );
        expect(problemLines(layer)).toEqual([]);
        expect(JSON.stringify(frameJson(layer))).toContain(`"kind":"${message.kind}"`);
      }),
      { numRuns: 500 },
    );
  });

  it('any bytes at all describe without throwing; what is not a frame is a problem line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 120 }), (bytes) => {
        const layer = describePayload(bytes);
        if (layer.type !== 'invalid') frameText(layer);
        for (const line of problemLines(layer)) expect(line).toMatch(/^fieldnode: [A-Z_]+: /);
        JSON.stringify(frameJson(layer));
      }),
      { numRuns: 2000 },
    );
  });
});

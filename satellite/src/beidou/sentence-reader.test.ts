/**
 * The sentence reader against what a serial line does to a module's output (docs/beidou.md
 * §Sentences): reads cut anywhere, junk between sentences, wrong checksums, torn sentences, over-long
 * lines, and arbitrary bytes. Property tests (fast-check) over generated sentences and cuts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { parseBd3Beams, parseBd3Card, parseBd3Message, parseBd3Result } from './bd3-sentences.js';
import { parseBd21Beams, parseBd21Card, parseBd21Message, parseBd21Result } from './bd21-sentences.js';
import { type Sentence, sentenceText } from './sentence.js';
import { SentenceReader, type SentenceReaderEvent } from './sentence-reader.js';

function read(chunks: Uint8Array[], max?: number): SentenceReaderEvent[] {
  const events: SentenceReaderEvent[] = [];
  const reader = new SentenceReader(
    (e) => events.push(e),
    max === undefined ? {} : { maxSentenceLength: max },
  );
  for (const c of chunks) reader.push(c);
  return events;
}
const lines = (events: SentenceReaderEvent[]) =>
  events.flatMap((e) => (e.kind === 'sentence' ? [e.line] : []));

/** Cuts `bytes` at the given points (taken modulo its length). */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => (bytes.length === 0 ? 0 : p % bytes.length)))].sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

const field = fc.stringMatching(/^[0-9A-Za-z.\-\u00a1-\u00fe ]{0,12}$/);
const sentence: fc.Arbitrary<Sentence> = fc.record({
  talker: fc.constantFrom('BD', 'CC', 'GN'),
  name: fc.constantFrom('TCI', 'TXR', 'FKI', 'ICP', 'ICI', 'PWI', 'BSI', 'RMC'),
  fields: fc.array(field, { maxLength: 12 }),
});
const ending = fc.constantFrom('\r\n', '\n', '\r');
/** Bytes a line may carry between sentences: anything but `$`. */
const junk = fc.uint8Array({ maxLength: 20 }).map((b) => b.filter((x) => x !== 0x24));
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('SentenceReader', () => {
  it('gives every sentence once and in order, however the reads cut them and whatever lies between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sentence, ending, junk), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, points) => {
          const parts = items.map(([s, end, j]) =>
            Buffer.concat([Buffer.from(j), Buffer.from(sentenceText(s).replace(/\r\n$/, end), 'latin1')]),
          );
          const events = read(cut(new Uint8Array(Buffer.concat(parts)), points));
          expect(lines(events)).toEqual(items.map(([s]) => sentenceText(s).replace(/\r\n$/, '')));
          expect(events.filter((e) => e.kind === 'bad')).toEqual([]);
        },
      ),
    );
  });

  it('drops a sentence whose checksum is wrong and reads the next one', () => {
    fc.assert(
      fc.property(
        sentence,
        sentence,
        fc.integer({ min: 1, max: 255 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (a, b, flip, points) => {
          const bad = sentenceText(a);
          const star = bad.lastIndexOf('*');
          const sum = (Number.parseInt(bad.slice(star + 1, star + 3), 16) ^ flip)
            .toString(16)
            .toUpperCase()
            .padStart(2, '0');
          const corrupted = `${bad.slice(0, star + 1)}${sum}\r\n`;
          const events = read(cut(latin1(corrupted + sentenceText(b)), points));
          expect(lines(events)).toEqual([sentenceText(b).trimEnd()]);
          const refused = events.filter((e) => e.kind === 'bad');
          expect(refused).toHaveLength(1);
          expect(refused[0]?.kind === 'bad' && refused[0].error.code).toBe('BEIDOU_CHECKSUM');
        },
      ),
    );
  });

  it('reports a sentence torn by the next $ as bad and reads the one that cut it', () => {
    const whole = sentenceText({ talker: 'BD', name: 'FKI', fields: ['080432', 'TCQ', 'Y', '0', '0'] });
    const events = read([latin1(`$BDTCI,4207733,42049${whole}`)]);
    expect(events.map((e) => e.kind)).toEqual(['bad', 'sentence']);
    expect(lines(events)).toEqual([whole.trimEnd()]);
  });

  it('drops an over-long sentence and resynchronises on the next $', () => {
    const next = sentenceText({ talker: 'BD', name: 'ICI', fields: ['0242286'] });
    const events = read([latin1(`$BD${'A'.repeat(100)}`), latin1(`${'B'.repeat(50)}\r\n${next}`)], 64);
    expect(events.map((e) => e.kind)).toEqual(['overflow', 'junk', 'sentence']);
  });

  it('never throws, whatever the bytes, and every sentence it gives checks', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const events = read(chunks);
        for (const e of events) {
          if (e.kind === 'sentence') expect(sentenceText(e.sentence).trimEnd()).toBe(e.line);
        }
      }),
    );
  });

  it('feeds the protocol parsers nothing that throws anything but a KitError', () => {
    const parsers = [
      parseBd3Card,
      parseBd3Beams,
      parseBd3Message,
      parseBd3Result,
      parseBd21Card,
      parseBd21Beams,
      parseBd21Message,
      parseBd21Result,
    ];
    fc.assert(
      fc.property(
        sentence,
        fc.array(fc.stringMatching(/^[0-9A-Fa-f,.YNE]{0,10}$/), { maxLength: 25 }),
        (s, fields) => {
          for (const parse of parsers) {
            for (const candidate of [s, { ...s, fields }]) {
              try {
                parse(candidate);
              } catch (err) {
                expect(isKitError(err, 'BEIDOU_MALFORMED')).toBe(true);
              }
            }
          }
        },
      ),
    );
  });
});

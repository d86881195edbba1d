/**
 * The import on bytes nobody vouches for (docs/cap.md §5 Reading untrusted XML; docs/conventions.md
 * §The durable queue: decode never trusts its input): random bytes, valid CAP mutated byte by byte,
 * and valid CAP with XML's sharp edges spliced in. Whatever comes in, the import returns a draft or
 * coded reasons and throws nothing; and a draft it returns is one the wire encodes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedBytes } from '../../../../test/kit-errors.js';
import { WIRE_EPOCH } from '../../../wire/envelope.js';
import { encodeMessage } from '../../../wire/message.js';
import { exportCap } from './cap-export.js';
import { importCap } from './cap-import.js';
import { CAP_PROBLEM_CODES } from './cap-problem.js';
import { MAX_CAP_BYTES } from './cap-xml-reader.js';
import { utf8 } from './test/expect-cap.js';
import { CANCEL, CONTEXT, ISSUE, REFERENCE_TIME, UPDATE, warning } from './test/warnings.js';
import { FIXTURES } from './test/xsd.js';

const CONTEXT_WITH_ISSUE = { ...CONTEXT, referencedSentAt: REFERENCE_TIME };
const SEEDS: Uint8Array[] = [
  ...[
    ISSUE,
    UPDATE,
    CANCEL,
    warning({ areas: [], circle: { centre: { lat: 28.2, lon: 112.9 }, radiusM: 900 } }),
  ].map((w) => utf8(exportCap(w, CONTEXT_WITH_ISSUE))),
  ...readdirSync(new URL('valid/', FIXTURES)).map(
    (f) => new Uint8Array(readFileSync(new URL(`valid/${f}`, FIXTURES))),
  ),
];
const resolveReference = () => ({
  ref: { origin: 1, seq: 57 },
  warning: { event: '11B03', level: 1, colour: 'red' as const, areas: [] },
});

const MESSAGE_BOUND = 500;

/** Imports `bytes` and checks the outcome is a value: a draft the wire encodes, or coded reasons. */
function importsOrRefuses(bytes: Uint8Array): boolean {
  const result = importCap(bytes, { resolveReference });
  if (result.ok) {
    const frame = encodeMessage(
      { ...ISSUE, createdAt: WIRE_EPOCH + 100_000_000, body: { ...result.draft.body, issuer: 3 } },
      { scheme: 'none' },
    );
    expect(frame.length).toBeGreaterThan(0);
    for (const n of result.draft.notes) expect(n.message.length + n.path.length).toBeLessThan(MESSAGE_BOUND);
  } else {
    expect(result.reasons.length).toBeGreaterThan(0);
    for (const r of result.reasons) {
      expect(CAP_PROBLEM_CODES).toContain(r.code);
      // What a person reads stays short, whatever the input quoted in it.
      expect(r.message.length + r.path.length).toBeLessThan(MESSAGE_BOUND);
    }
  }
  return true;
}

/** Tokens where XML parsers have gone wrong, and CAP values a mapping must not trust. */
const SHARP = [
  '<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '<!ENTITY x "y">',
  '&x;',
  '&#0;',
  '&#xD800;',
  '&#x10FFFF;',
  '&amp',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?pi x?>',
  '<?xml version="1.1"?>',
  '</info>',
  '<info>',
  '<area><areaDesc>x</areaDesc><polygon>1,1 2,2 1,1</polygon></area>',
  '<circle>91,0 1</circle>',
  '<geocode><valueName>GB/T 2260</valueName><value>999999999999</value></geocode>',
  '<parameter><valueName>CN-WarningColor</valueName><value>Purple</value></parameter>',
  '<eventCode><valueName>CN-EventType</valueName><value>11B99</value></eventCode>',
  'xmlns="urn:other"',
  'xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"',
  '<cap:alert>',
  '\uFEFF',
  '\u0000',
  '\uD800',
  '"',
  "'",
  '<',
  '>',
  '&',
];

const spliced = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SHARP), fc.nat(8)), { minLength: 1, maxLength: 4 }),
  )
  .map(([seed, edits]) => {
    let text = new TextDecoder().decode(seed);
    for (const [at, token, cut] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + token + text.slice(i + cut);
    }
    return utf8(text);
  });

describe('the import on untrusted bytes', () => {
  it('turns random bytes into coded reasons', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), importsOrRefuses), { numRuns: 1000 });
  });

  it('turns random text that looks like XML into coded reasons', () => {
    const xmlish = fc.string({
      unit: fc.constantFrom(
        '<',
        '>',
        '/',
        '&',
        ';',
        '"',
        '=',
        'alert',
        'info',
        ' ',
        '#',
        'x',
        '!',
        '?',
        '[',
        ']',
      ),
      maxLength: 200,
    });
    fc.assert(fc.property(xmlish.map(utf8), importsOrRefuses), { numRuns: 1000 });
  });

  it('never throws on valid CAP changed byte by byte', () => {
    fc.assert(fc.property(mutatedBytes(fc.constantFrom(...SEEDS)), importsOrRefuses), { numRuns: 1500 });
  });

  it('never throws on valid CAP with XML’s sharp edges spliced in', () => {
    fc.assert(fc.property(spliced, importsOrRefuses), { numRuns: 1500 });
  });

  it('quotes untrusted names and values only in part', () => {
    const long = 'x'.repeat(20_000);
    const xml = new TextDecoder().decode(SEEDS[1] as Uint8Array);
    const variants = [
      xml.replace('<scope>', `<${long}/><scope>`),
      xml.replace('<scope>', `<scope ${long}="1">`),
      xml.replace('<valueName>CN-EventType</valueName>', `<valueName>${long}</valueName>`),
      xml.replace('<value>11B03</value>', `<value>${long}</value>`),
      xml.replace('<value>Orange</value>', `<value>${long}</value>`),
      xml.replace(
        /<references>[^<]*<\/references>/,
        `<references>${long},${long},2026-07-14T03:20:00+08:00</references>`,
      ),
      xml.replace(
        '<language>zh-CN</language>',
        `<language>zh-${'a'.repeat(8)}${'-abcdefgh'.repeat(2000)}</language>`,
      ),
      xml.replace('<valueName>CPEAS Geographic Code</valueName>', `<valueName>${long}</valueName>`),
      xml.replace(/<sent>[^<]*<\/sent>/, `<sent>${long}</sent>`),
    ];
    for (const v of variants) importsOrRefuses(utf8(v));
  });

  it('reads up to the size limit and refuses a byte more, before parsing', () => {
    const seed = SEEDS[0] as Uint8Array;
    const padded = (size: number) => {
      const out = new Uint8Array(size).fill(0x20);
      out.set(seed);
      return out;
    };
    expect(importCap(padded(MAX_CAP_BYTES)).ok).toBe(true);
    const over = importCap(padded(MAX_CAP_BYTES + 1));
    expect(over.ok ? [] : over.reasons.map((r) => r.code)).toEqual(['CAP_TOO_LARGE']);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MAX_CAP_BYTES + 1, maxLength: MAX_CAP_BYTES + 64 }), (bytes) => {
        const r = importCap(bytes);
        return !r.ok && r.reasons.length === 1 && r.reasons[0]?.code === 'CAP_TOO_LARGE';
      }),
      { numRuns: 20 },
    );
  });
});

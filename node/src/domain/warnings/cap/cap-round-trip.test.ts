/**
 * Export then import gives back the warning (docs/cap.md §3 The mapping): every field CAP carries
 * comes back as it was, for the cases of the export tests and for warnings fast-check makes; every
 * message exported on the way meets the XSD.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WIRE_EPOCH } from '../../../wire/envelope.js';
import {
  checkWarning,
  WARNING_ACTIONS,
  WARNING_COLOURS,
  type WarningBody,
} from '../../../wire/kinds/warning.js';
import type { MessageOf } from '../../../wire/message.js';
import { exportCap } from './cap-export.js';
import { normaliseLine, normaliseText } from './cap-text.js';
import type { CapReference, CapReferenceTarget } from './cap-warning-draft.js';
import { imported } from './test/expect-cap.js';
import {
  CANCEL,
  CONTEXT,
  COUNTY,
  ISSUE,
  NO_OFFICE,
  REFERENCE_TIME,
  TOWNSHIPS,
  UPDATE,
  VILLAGE,
  warning,
} from './test/warnings.js';
import { xsdErrors } from './test/xsd.js';

/** The centre's memory of what it exported: our identifiers name their own thread. */
function resolveReference(r: CapReference): CapReferenceTarget | undefined {
  const m = /^fieldnode-(\d+)-(\d+)$/.exec(r.identifier);
  if (r.sender !== CONTEXT.sender || m === null) return undefined;
  return {
    ref: { origin: Number(m[1]), seq: Number(m[2]) },
    warning: { event: '11B99', level: 0, colour: 'none', areas: [] },
  };
}

/** What an import of `w`'s export must give: all but the issuer and the roster, the office named. */
function expectedBody(w: MessageOf<'warning'>): Omit<WarningBody, 'issuer'> {
  const { issuer: _issuer, persons: _persons, roles: _roles, ...rest } = w.body;
  return { ...rest, roles: [], senderName: w.body.senderName ?? CONTEXT.issuerName };
}

function roundTrip(w: MessageOf<'warning'>): {
  xml: string;
  body: Omit<WarningBody, 'issuer'>;
  exercise: boolean;
} {
  const xml = exportCap(w, { ...CONTEXT, referencedSentAt: REFERENCE_TIME });
  const draft = imported(xml, { resolveReference });
  expect(draft.source).toMatchObject({
    sender: CONTEXT.sender,
    identifier: `fieldnode-${w.origin}-${w.seq}`,
    sent: w.createdAt,
  });
  return { xml, body: draft.body, exercise: draft.exercise };
}

describe('export then import', () => {
  const cases: [string, MessageOf<'warning'>][] = [
    ['issue', ISSUE],
    ['update', UPDATE],
    ['cancel', CANCEL],
    ['exercise', warning({}, { flags: ['exercise'] })],
    [
      'circle only',
      warning({ areas: [], circle: { centre: { lat: 28.190312, lon: 112.971204 }, radiusM: 2750 } }),
    ],
    [
      'areas and a circle',
      warning({ areas: [COUNTY, VILLAGE], circle: { centre: { lat: 28.2282, lon: 112.9388 }, radiusM: 0 } }),
    ],
    ['several areas', warning({ areas: [...TOWNSHIPS, VILLAGE, COUNTY] })],
    [
      'text needing escapes',
      warning({ instruction: '转移<至>"高地" & \'学校\'\n勿涉水]]>', senderName: 'A&B <台>' }),
    ],
    ['no office named', NO_OFFICE],
    ['no colour, no level', warning({ colour: 'none', level: 0 })],
  ];
  for (const [name, w] of cases) {
    it(`gives back the ${name} warning`, () => {
      const back = roundTrip(w);
      expect(back.body).toEqual(expectedBody(w));
      expect(back.exercise).toBe(w.flags.includes('exercise'));
    });
  }

  it('gives back any warning the wire holds, and every message on the way meets the XSD', async () => {
    const exported: { name: string; xml: string }[] = [];
    fc.assert(
      fc.property(warningArb, (w) => {
        const back = roundTrip(w);
        exported.push({ name: `${w.origin}/${w.seq}#${exported.length}`, xml: back.xml });
        expect(back.body).toEqual(expectedBody(w));
        expect(back.exercise).toBe(w.flags.includes('exercise'));
      }),
      { numRuns: 150 },
    );
    const errors = await xsdErrors(exported);
    expect([...errors].filter(([, e]) => e.length > 0)).toEqual([]);
    expect(exported.length).toBeGreaterThanOrEqual(150);
  });
});

const PROVINCES = [11, 12, 13, 31, 32, 33, 43, 44, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82];
/** Real-shaped division codes of every level (the province digits are checked on export). */
const areaArb = fc
  .record({
    province: fc.constantFrom(...PROVINCES),
    city: fc.integer({ min: 1, max: 99 }),
    county: fc.integer({ min: 0, max: 99 }),
    township: fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }),
    village: fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }),
  })
  .map(({ province, city, county, township, village }) => {
    const six = `${province}${String(city).padStart(2, '0')}${String(county).padStart(2, '0')}`;
    if (township === undefined) return Number(six);
    const nine = `${six}${String(township).padStart(3, '0')}`;
    return Number(village === undefined ? nine : `${nine}${String(village).padStart(3, '0')}`);
  });

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;
/** No character XML 1.0 cannot hold, no carriage return (read back as a line feed). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a message cannot carry
const XML_SAFE = /^[^\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]*$/u;
const textArb = (maxBytes: number, normal: (s: string) => string) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom('<', '&', '"', "'", '>', '\n', ' ', '暴', '雨', '🌧'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 60,
    })
    .filter(
      (s) =>
        utf8Bytes(s) <= maxBytes &&
        XML_SAFE.test(s) &&
        !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')) &&
        normal(s) === s,
    );
const gridPointArb = fc
  .record({ qLat: fc.integer({ min: 0, max: 2 ** 24 - 1 }), qLon: fc.integer({ min: 0, max: 2 ** 24 - 1 }) })
  .map(({ qLat, qLon }) => ({
    lat: Math.round(((qLat / 2 ** 24) * 180 - 90) * 1e6) / 1e6,
    lon: Math.round(((qLon / 2 ** 24) * 360 - 180) * 1e6) / 1e6,
  }));

const warningArb: fc.Arbitrary<MessageOf<'warning'>> = fc
  .record({
    origin: fc.integer({ min: 1, max: 0xffff_ffff }),
    seq: fc.nat({ max: 0xffff_ffff }),
    createdAt: fc.integer({ min: WIRE_EPOCH, max: WIRE_EPOCH + 2 ** 31 }),
    exercise: fc.boolean(),
    action: fc.constantFrom(...WARNING_ACTIONS),
    thread: fc.record({
      origin: fc.integer({ min: 1, max: 0xffff_ffff }),
      seq: fc.nat({ max: 0xffff_ffff }),
    }),
    event: fc
      .tuple(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 99 }),
      )
      .map(
        ([d, l, n]) =>
          `${String(d).padStart(2, '0')}${String.fromCharCode(65 + l)}${String(n).padStart(2, '0')}`,
      ),
    level: fc.integer({ min: 0, max: 4 }),
    colour: fc.constantFrom(...WARNING_COLOURS),
    areas: fc.uniqueArray(areaArb, { maxLength: 8 }),
    roles: fc.array(fc.integer({ min: 1, max: 11 }), { maxLength: 3 }),
    lead: fc.integer({ min: -86_400, max: 86_400 }),
    span: fc.integer({ min: 1, max: 7 * 86_400 }),
    instruction: textArb(300, normaliseText),
    senderName: fc.option(
      textArb(64, normaliseLine).filter((s) => s !== ''),
      { nil: undefined },
    ),
    circle: fc.option(fc.record({ centre: gridPointArb, radiusM: fc.integer({ min: 0, max: 1_000_000 }) }), {
      nil: undefined,
    }),
  })
  .map((r) => {
    const body: WarningBody = {
      action: r.action,
      issuer: 3,
      event: r.event,
      level: r.level,
      colour: r.colour,
      areas: r.areas,
      roles: r.roles,
      onset: r.createdAt + r.lead,
      expires: r.createdAt + r.lead + r.span,
      instruction: r.instruction,
    };
    if (r.senderName !== undefined) body.senderName = r.senderName;
    if (r.action !== 'issue') body.references = r.thread;
    if (r.circle !== undefined) body.circle = r.circle;
    return {
      ...ISSUE,
      origin: r.origin,
      seq: r.seq,
      createdAt: r.createdAt,
      flags: r.exercise ? ['exercise' as const] : [],
      body,
    };
  })
  .filter((w) => checkWarning(w.body) === undefined);

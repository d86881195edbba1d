/**
 * The CAP examples of the fixtures (docs/cap.md §9 Tests): the codec's schema check agrees with the
 * XSD on every one; each valid message imports or is refused for the documented reason (docs/cap.md
 * §6 Import), each invalid one is refused for what is wrong with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distanceM, parsePolygon } from './cap-geo.js';
import { readCap } from './cap-import.js';
import { imported, refusalMessages, refusals } from './test/expect-cap.js';
import { FIXTURES, xsdErrors } from './test/xsd.js';

const file = (path: string) => readFileSync(new URL(path, FIXTURES));
const VALID = readdirSync(new URL('valid/', FIXTURES)).sort();
const INVALID = readdirSync(new URL('invalid/', FIXTURES)).sort();

describe('the fixtures', () => {
  it('are the ones this test knows', () => {
    expect(VALID).toEqual([
      'cn_cap12_sample.xml',
      'v1dot2_appendix_adot1.xml',
      'v1dot2_appendix_adot2.xml',
      'v1dot2_appendix_adot3.xml',
      'v1dot2_appendix_adot4.xml',
    ]);
    expect(INVALID).toEqual([
      'cn_gt_format_in_cap_ns.xml',
      'google_invalid.cap',
      'sent_fractional_seconds.xml',
      'sent_with_Z.xml',
      'severity_color.xml',
    ]);
  });

  it('meet the XSD exactly when the codec’s own schema check says so', async () => {
    const docs = [...VALID.map((f) => `valid/${f}`), ...INVALID.map((f) => `invalid/${f}`)].map((name) => ({
      name,
      xml: file(name).toString('utf8'),
    }));
    const errors = await xsdErrors(docs);
    for (const { name } of docs) {
      const xsdValid = errors.get(name)?.length === 0;
      expect({ name, xsdValid }).toEqual({ name, xsdValid: name.startsWith('valid/') });
      expect({ name, codecValid: readCap(file(name)).ok }).toEqual({ name, codecValid: xsdValid });
    }
  });
});

describe('importing the valid examples', () => {
  it('cn_cap12_sample: an orange rainstorm drill, level II, county 513423 and a 5 km circle', () => {
    const draft = imported(file('valid/cn_cap12_sample.xml'));
    expect(draft.imported).toBe(true);
    expect(draft.exercise).toBe(true);
    expect(draft.source).toEqual({
      format: 'CAP 1.2',
      sender: '51342341600000',
      identifier: '51342341600000_20250715183000_0',
      sentText: '2025-07-15T18:30:00+08:00',
      sent: Date.UTC(2025, 6, 15, 10, 30) / 1000,
    });
    expect(draft.body).toEqual({
      action: 'issue',
      event: '11B03',
      level: 2,
      colour: 'orange',
      areas: [513423],
      roles: [],
      onset: Date.UTC(2025, 6, 15, 10, 30) / 1000,
      expires: Date.UTC(2025, 6, 16, 10, 30) / 1000,
      instruction: '危险地带人员立即转移。',
      senderName: '某县气象台',
      circle: { centre: { lat: 28.1, lon: 102.2 }, radiusM: 5000 },
    });
    expect(draft.notes.map((n) => n.path)).toEqual([
      '/alert/source',
      '/alert/code',
      '/alert/info[1]/description',
      '/alert/info[1]/responseType',
    ]);
  });

  it('A.2, a US severe thunderstorm: weather without a GB/T code is 11B99, its polygon one enclosing circle', () => {
    const draft = imported(file('valid/v1dot2_appendix_adot2.xml'));
    expect(draft.body).toMatchObject({
      action: 'issue',
      event: '11B99',
      level: 0,
      colour: 'none',
      areas: [],
      instruction: 'SEVERE THUNDERSTORM: TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.',
      senderName: 'NATIONAL WEATHER SERVICE SACRAMENTO CA',
      expires: Date.UTC(2003, 5, 17, 23, 0) / 1000,
    });
    const circle = draft.body.circle;
    if (circle === undefined) throw new Error('no circle');
    const polygon = parsePolygon('38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14');
    if (!polygon.ok) throw new Error(polygon.problem);
    for (const corner of polygon.value)
      expect(distanceM(circle.centre, corner)).toBeLessThanOrEqual(circle.radiusM);
    expect(circle.radiusM).toBeLessThan(20_000);
    const said = draft.notes.map((n) => n.message).join('\n');
    expect(said).toMatch(/SAME SVR not carried/);
    expect(said).toMatch(/geocode SAME 006109 not carried/);
    expect(said).toMatch(/1 polygon\(s\) and 0 circle\(s\) carried as one circle/);
  });

  it('A.1, the US Homeland Security advisory: no event code and no place the wire can name', () => {
    expect(refusals(file('valid/v1dot2_appendix_adot1.xml'))).toEqual([
      'CAP_UNMAPPABLE /alert/info[1]/event',
      'CAP_UNMAPPABLE /alert/info[1]',
    ]);
    expect(refusalMessages(file('valid/v1dot2_appendix_adot1.xml'))).toMatch(
      /\(Security\) has no GB\/T 35561 event code/,
    );
  });

  it('A.3, a US earthquake update: the update of a message never forwarded, an event without code', () => {
    expect(refusals(file('valid/v1dot2_appendix_adot3.xml'))).toEqual([
      'CAP_REFERENCE_UNKNOWN /alert/references',
      'CAP_UNMAPPABLE /alert/info[1]/event',
    ]);
    // Had the centre forwarded TRI13970876.1, only the event would stand in the way.
    const resolveReference = (r: { sender: string; identifier: string }) =>
      r.sender === 'trinet@caltech.edu' && r.identifier === 'TRI13970876.1'
        ? {
            ref: { origin: 1, seq: 900 },
            warning: { event: '11B99', level: 0, colour: 'none' as const, areas: [] },
          }
        : undefined;
    expect(refusals(file('valid/v1dot2_appendix_adot3.xml'), { resolveReference })).toEqual([
      'CAP_UNMAPPABLE /alert/info[1]/event',
    ]);
  });

  it('A.4, a US AMBER alert in two languages: no event code, a US county code only', () => {
    expect(refusals(file('valid/v1dot2_appendix_adot4.xml'))).toEqual([
      'CAP_UNMAPPABLE /alert/info[1]/event',
      'CAP_UNMAPPABLE /alert/info[1]',
    ]);
  });
});

describe('importing the invalid examples', () => {
  it('google_invalid: <scope> is missing', () => {
    expect(refusals(file('invalid/google_invalid.cap'))).toEqual(['CAP_SCHEMA /alert']);
    expect(refusalMessages(file('invalid/google_invalid.cap'))).toMatch(/missing <scope>/);
  });

  it('sent_with_Z: UTC written with Z', () => {
    expect(refusals(file('invalid/sent_with_Z.xml'))).toEqual(['CAP_SCHEMA /alert/sent']);
    expect(refusalMessages(file('invalid/sent_with_Z.xml'))).toMatch(/ends in Z.*UTC is -00:00/);
  });

  it('sent_fractional_seconds: milliseconds', () => {
    expect(refusals(file('invalid/sent_fractional_seconds.xml'))).toEqual(['CAP_SCHEMA /alert/sent']);
    expect(refusalMessages(file('invalid/sent_fractional_seconds.xml'))).toMatch(/fractional seconds/);
  });

  it('severity_color: the colour in <severity>', () => {
    expect(refusals(file('invalid/severity_color.xml'))).toEqual(['CAP_SCHEMA /alert/info[1]/severity']);
    expect(refusalMessages(file('invalid/severity_color.xml'))).toMatch(
      /"Orange" is not one of .*colour goes in a <parameter>/,
    );
  });

  it('cn_gt_format_in_cap_ns: the 国突 dialect under the CAP namespace, every fault named', () => {
    expect(refusals(file('invalid/cn_gt_format_in_cap_ns.xml'))).toEqual([
      'CAP_SCHEMA /alert/senderCode',
      'CAP_SCHEMA /alert/sendTime',
      'CAP_SCHEMA /alert/code[1]',
      'CAP_SCHEMA /alert/secClassification',
      'CAP_SCHEMA /alert',
      'CAP_SCHEMA /alert/info[1]/eventType',
      'CAP_SCHEMA /alert/info[1]/severity',
      'CAP_SCHEMA /alert/info[1]/effective',
      'CAP_SCHEMA /alert/info[1]/onset',
      'CAP_SCHEMA /alert/info[1]/expires',
      'CAP_SCHEMA /alert/info[1]',
      'CAP_SCHEMA /alert/info[1]',
      'CAP_SCHEMA /alert/info[1]/area[1]/geocode[1]',
      'CAP_SCHEMA /alert/info[1]/area[1]/geocode[1]',
      'CAP_SCHEMA /alert/info[1]/area[1]/geocode[1]',
    ]);
    const said = refusalMessages(file('invalid/cn_gt_format_in_cap_ns.xml'));
    expect(said).toMatch(
      /<sendTime> is not an element of <alert> in CAP 1.2 \(an element of the 国突 dialect/,
    );
    expect(said).toMatch(/<alert> is missing <sent>/);
    expect(said).toMatch(/"Blue" is not one of/);
    expect(said).toMatch(/space between date and time/);
  });

  it('the 国突 dialect proper, without a namespace, is not CAP at all', () => {
    const xml = file('invalid/cn_gt_format_in_cap_ns.xml')
      .toString('utf8')
      .replace(' xmlns="urn:oasis:names:tc:emergency:cap:1.2"', '');
    expect(refusals(xml)).toEqual(['CAP_NOT_CAP /alert']);
    expect(refusalMessages(xml)).toMatch(/has no namespace.*国突 dialect/);
  });
});

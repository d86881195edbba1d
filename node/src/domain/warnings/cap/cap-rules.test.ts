/**
 * The conditional rules (docs/cap.md §1 Conditional rules): each is checked on a message that meets
 * the schema but breaks it, and an import of such a message is refused for it. The XSD accepts
 * every one of these messages, which is why the rules are code.
 */
import { describe, expect, it } from 'vitest';
import { capAlertOf } from './cap-export.js';
import type { CapAlert, CapArea } from './cap-model.js';
import { checkCapRules } from './cap-rules.js';
import { writeCapXml } from './cap-xml-writer.js';
import { refusals } from './test/expect-cap.js';
import { CONTEXT, ISSUE } from './test/warnings.js';
import { xsdErrors } from './test/xsd.js';

const base = (): CapAlert => capAlertOf(ISSUE, CONTEXT);
const withArea = (area: Partial<CapArea>): CapAlert => {
  const alert = base();
  const info = alert.infos[0];
  if (info === undefined) throw new Error('no info');
  info.areas = [{ areaDesc: 'x', polygons: [], circles: [], geocodes: [], ...area }];
  return alert;
};
const broken = (alert: CapAlert) => checkCapRules(alert).map((p) => `${p.code} ${p.path}: ${p.message}`);

const CASES: [string, CapAlert, RegExp][] = [
  [
    'an identifier with a space',
    { ...base(), identifier: 'a b' },
    /\/alert\/identifier: <identifier> holds white space/,
  ],
  [
    'an identifier with a comma',
    { ...base(), identifier: 'a,b' },
    /\/alert\/identifier: <identifier> holds a comma/,
  ],
  ['an identifier with <', { ...base(), identifier: 'a<b' }, /\/alert\/identifier: <identifier> holds "<"/],
  ['a sender with &', { ...base(), sender: 'a&b' }, /\/alert\/sender: <sender> holds "&"/],
  ['an empty identifier', { ...base(), identifier: '' }, /\/alert\/identifier: <identifier> is empty/],
  [
    'scope Private without addresses',
    { ...base(), scope: 'Private' },
    /\/alert\/addresses: scope Private needs <addresses>/,
  ],
  [
    'scope Restricted without restriction',
    { ...base(), scope: 'Restricted' },
    /\/alert\/restriction: scope Restricted needs <restriction>/,
  ],
  [
    'an Update without references',
    { ...base(), msgType: 'Update' },
    /\/alert\/references: a message of type Update needs <references>/,
  ],
  ['a Cancel without references', { ...base(), msgType: 'Cancel' }, /type Cancel needs <references>/],
  ['an Ack without references', { ...base(), msgType: 'Ack' }, /type Ack needs <references>/],
  ['an Error without references', { ...base(), msgType: 'Error' }, /type Error needs <references>/],
  [
    'references that are not triples',
    { ...base(), msgType: 'Update', references: 'a,b' },
    /reference 1 "a,b" is not sender,identifier,sent/,
  ],
  [
    'references with a time in Z',
    { ...base(), msgType: 'Cancel', references: 'a,b,2026-07-14T03:20:00Z' },
    /reference 1 .*ends in Z/,
  ],
  [
    'addresses with an unpaired quote',
    { ...base(), scope: 'Private', addresses: '"county centre' },
    /\/alert\/addresses: <addresses> has an unpaired double quote/,
  ],
  [
    'a polygon that is not closed',
    withArea({ polygons: ['1,1 1,2 2,2 2,1'] }),
    /polygon\[1\]: the polygon is not closed/,
  ],
  [
    'a polygon of three points',
    withArea({ polygons: ['1,1 1,2 1,1'] }),
    /polygon\[1\]: a polygon needs at least 4 points/,
  ],
  [
    'a polygon with longitude first',
    withArea({ polygons: ['112.9,28.2 113,28.2 113,28.3 112.9,28.2'] }),
    /latitude 112.9 is outside -90..90 \(CAP writes latitude first\)/,
  ],
  [
    'a circle without a radius',
    withArea({ circles: ['28.2,112.9'] }),
    /circle\[1\]: "28.2,112.9" is not a circle/,
  ],
  [
    'a circle with a negative radius',
    withArea({ circles: ['28.2,112.9 -1'] }),
    /radius "-1" is not a distance/,
  ],
  [
    'a ceiling without altitude',
    withArea({ ceiling: '100' }),
    /ceiling: <ceiling> is given without <altitude>/,
  ],
  [
    'a ceiling below altitude',
    withArea({ altitude: '200', ceiling: '100' }),
    /<ceiling> 100 is below <altitude> 200/,
  ],
];

describe('the conditional rules', () => {
  it('pass a message that keeps them', () => {
    expect(checkCapRules(base())).toEqual([]);
    expect(
      checkCapRules(
        withArea({ polygons: ['1,1 1,2 2,2 1,1'], circles: ['1,1 0'], altitude: '1', ceiling: '2' }),
      ),
    ).toEqual([]);
    expect(
      checkCapRules({
        ...base(),
        msgType: 'Update',
        references: 'a,b,2026-07-14T03:20:00+08:00 c,d,2026-07-14T04:20:00-00:00',
      }),
    ).toEqual([]);
  });

  for (const [name, alert, expected] of CASES) {
    it(`catch ${name}, and the import refuses it`, () => {
      const problems = broken(alert);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^CAP_RULE /);
      expect(problems[0]).toMatch(expected);
      expect(refusals(writeCapXml(alert))).toEqual([problems[0]?.split(':')[0]]);
    });
  }

  it('are ones the XSD cannot see: it accepts every message above', async () => {
    const errors = await xsdErrors(CASES.map(([name, alert]) => ({ name, xml: writeCapXml(alert) })));
    expect([...errors].filter(([, e]) => e.length > 0)).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import {
  findImei,
  parseCiev,
  parseCris,
  parseCsq,
  parseDigitResult,
  parseMsstm,
  parseSbdix,
  parseSbds,
} from './at-responses.js';

const typedOnly = (fn: () => unknown): void => {
  try {
    fn();
  } catch (err) {
    if (!isKitError(err, 'AT_MALFORMED')) throw err;
  }
};

describe('+SBDIX', () => {
  it.each([
    // Real 9603 spacing (§1.2, issue #25) and the isbd-emu variant without spaces.
    ['+SBDIX: 32, 3, 2, 0, 0, 0', [32, 3, 2, 0, 0, 0]],
    ['+SBDIX: 0, 0, 1, 1, 11, 0', [0, 0, 1, 1, 11, 0]],
    ['+SBDIX: 0, 10, 1, 1, 11, 0', [0, 10, 1, 1, 11, 0]],
    ['+SBDIX:32,0,2,0,0,0', [32, 0, 2, 0, 0, 0]],
    ['+SBDIX: 0, 12, 0, 0, 0, 0', [0, 12, 0, 0, 0, 0]],
    ['+SBDIX:0,12,0,0,0,0', [0, 12, 0, 0, 0, 0]],
    ['+SBDIXA: 0, 65535, 1, 65535, 270, 50', [0, 65535, 1, 65535, 270, 50]],
    ['+sbdix:  1 ,2 , 0,-1 ,0,0 ', [1, 2, 0, -1, 0, 0]],
  ])('%s', (line, v) => {
    expect(parseSbdix(line)).toEqual({
      moStatus: v[0],
      momsn: v[1],
      mtStatus: v[2],
      mtmsn: v[3],
      mtLength: v[4],
      mtQueued: v[5],
    });
  });

  it.each([
    '+SBDIX: 0, 12, 0, 0, 0',
    '+SBDIX: 0, 12, 0, 0, 0, 0, 0',
    '+SBDI: 0, 12, 0, 0, 0, 0',
    '+SBDIX: 0, 65536, 0, 0, 0, 0',
    '+SBDIX: 0, 1, 3, 0, 0, 0',
    '+SBDIX: a, 1, 0, 0, 0, 0',
    '+SBDIX: 0,, 0, 0, 0, 0',
    'SBDIX: 0, 1, 0, 0, 0, 0',
  ])('rejects %s as AT_MALFORMED', (line) => {
    expect(() => parseSbdix(line)).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
  });
});

describe('other information lines', () => {
  it('+CSQ and +CSQF, with or without a space', () => {
    expect(parseCsq('+CSQ:1')).toBe(1);
    expect(parseCsq('+CSQ: 5')).toBe(5);
    expect(parseCsq('+CSQF:0')).toBe(0);
    expect(() => parseCsq('+CSQ:6')).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
    expect(() => parseCsq('+CSQ:')).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
  });

  it('-MSSTM: hex ticks or no network service', () => {
    expect(parseMsstm('-MSSTM: 712a957d')).toBe(0x712a957d);
    expect(parseMsstm('-MSSTM:d1c6dd38')).toBe(0xd1c6dd38);
    expect(parseMsstm('-MSSTM: 1a')).toBe(0x1a);
    expect(parseMsstm('-MSSTM: no network service')).toBeUndefined();
    expect(() => parseMsstm('-MSSTM: 1ffffffff')).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
    expect(() => parseMsstm('---MSSTM: 1a')).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
  });

  it('+CIEV, including the multi-value indicator 3', () => {
    expect(parseCiev('+CIEV:0,3')).toEqual({ indicator: 0, values: [3] });
    expect(parseCiev('+CIEV: 1, 0')).toEqual({ indicator: 1, values: [0] });
    expect(parseCiev('+CIEV:3,109,24,1,3716,-824,6052')).toEqual({
      indicator: 3,
      values: [109, 24, 1, 3716, -824, 6052],
    });
    expect(() => parseCiev('+CIEV:0')).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
  });

  it('+SBDS with MTMSN −1 and +SBDSX', () => {
    expect(parseSbds('+SBDS: 1, 42, 0, -1')).toEqual({ moFlag: 1, momsn: 42, mtFlag: 0, mtmsn: -1 });
    expect(parseSbds('+SBDSX: 0, 43, 1, 7, 1, 2')).toEqual({
      moFlag: 0,
      momsn: 43,
      mtFlag: 1,
      mtmsn: 7,
      raFlag: 1,
      waiting: 2,
    });
    expect(() => parseSbds('+SBDS: 1, 42, 0, -1, 0, 0')).toThrow(
      expect.objectContaining({ code: 'AT_MALFORMED' }),
    );
  });

  it('+CRIS leniently', () => {
    expect(parseCris('+CRIS:000,001')).toEqual({ tri: 0, sri: 1 });
    expect(parseCris('+CRIS: 0,1,12345')).toEqual({ tri: 0, sri: 1 });
  });

  it('the IMEI and digit results', () => {
    expect(findImei(['', '300234010753370'])).toBe('300234010753370');
    expect(() => findImei(['30023401075337'])).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
    expect(parseDigitResult('0')).toBe(0);
    expect(parseDigitResult(' 3 ')).toBe(3);
    expect(parseDigitResult('OK')).toBeUndefined();
    expect(parseDigitResult('12')).toBeUndefined();
  });
});

describe('properties: untrusted lines', () => {
  const parsers = [
    parseSbdix,
    parseCsq,
    parseMsstm,
    parseCiev,
    parseSbds,
    parseCris,
    (l: string) => findImei([l]),
  ];

  it('any string fails only with AT_MALFORMED', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (line) => {
        for (const parse of parsers) typedOnly(() => parse(line));
      }),
    );
  });

  const sbdixValues = fc.tuple(
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 65535 }),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: -1, max: 65535 }),
    fc.integer({ min: 0, max: 65535 }),
    fc.integer({ min: 0, max: 65535 }),
  );
  const space = fc.constantFrom('', ' ', '  ');

  it('+SBDIX with any spacing parses to the values written', () => {
    fc.assert(
      fc.property(sbdixValues, fc.array(space, { minLength: 7, maxLength: 7 }), fc.boolean(), (v, sp, a) => {
        const line = `+SBDIX${a ? 'A' : ''}:${sp[0]}${v.map((n, i) => `${n}${sp[i + 1]}`).join(',')}`;
        const r = parseSbdix(line);
        expect([r.moStatus, r.momsn, r.mtStatus, r.mtmsn, r.mtLength, r.mtQueued]).toEqual(v);
      }),
    );
  });

  it('mutated +SBDIX lines either parse to in-range values or fail with AT_MALFORMED', () => {
    fc.assert(
      fc.property(
        sbdixValues,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (v, edits) => {
          const chars = [...`+SBDIX: ${v.join(', ')}`];
          for (const [at, code] of edits)
            chars.splice(at % (chars.length + 1), code % 3, String.fromCharCode(code));
          try {
            const r = parseSbdix(chars.join(''));
            expect(r.mtStatus).toBeGreaterThanOrEqual(0);
            expect(r.mtStatus).toBeLessThanOrEqual(2);
            expect(r.momsn).toBeLessThanOrEqual(65535);
          } catch (err) {
            expect(isKitError(err, 'AT_MALFORMED')).toBe(true);
          }
        },
      ),
    );
  });

  it('-MSSTM with any 32-bit value round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom('', ' '), (t, sp) => {
        expect(parseMsstm(`-MSSTM:${sp}${t.toString(16)}`)).toBe(t);
      }),
    );
  });
});

/**
 * Tests for the DirectIP codec (message.ts, mo.ts, mt.ts; docs/iridium.md §3.2–§3.4, §7.6):
 * the §3.4 vectors decode to exactly the values given and encode back to the same bytes; MO and
 * MT messages round-trip (property); IEs come in any order and unknown ones are skipped; every
 * length is strict; random and mutated bytes throw nothing but DIRECTIP_MALFORMED.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { decodeMessage, encodeMessage, expectedMessageBytes } from './message.js';
import {
  decodeMo,
  decodeMoConfirmation,
  encodeMo,
  encodeMoConfirmation,
  locationDegrees,
  locationFromDegrees,
  type MoMessage,
} from './mo.js';
import {
  decodeMt,
  decodeMtConfirmation,
  encodeMt,
  encodeMtConfirmation,
  MT_FLAG,
  type MtMessage,
  mtFlagProblem,
  mtStatusMeaning,
} from './mt.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/[\s|]/g, ''), 'hex'));
const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

/** gadomski/sbd-rs data/0-mo.sbd, a real MO capture (59 bytes), as §3.4 lays it out. */
const SBD_RS_0_MO = hex(
  `01 0038
   01 001c 70ec0769 ${ascii('300234063904190')} 00 004b 0000 559eba2c
   02 0016 ${ascii('test message from pete')}`,
);

/** Guide Table 7.1-10: an MT delivery to 300034010123450 with a 70-byte payload. */
const MT_PAYLOAD_70 = Uint8Array.from({ length: 70 }, (_, i) => 0x20 + i);
const GUIDE_MT = hex(
  `01 0061 | 41 0015 4d736731 333030303334303130313233343530 0000 | 42 0046 ${Buffer.from(MT_PAYLOAD_70).toString('hex')}`,
);
/** Guide Table 7.1-11 with the corrected lengths 28 and 25. */
const GUIDE_MT_CONFIRMATION = hex(`01 001c | 44 0019 4d736731 ${ascii('300034010123450')} 0000e469 0032`);

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (isKitError(err, 'DIRECTIP_MALFORMED')) return 'DIRECTIP_MALFORMED';
    throw err;
  }
}

describe('the §3.4 vectors', () => {
  it('sbd-rs 0-mo.sbd decodes to exactly the values given, and encodes back byte for byte', () => {
    expect(SBD_RS_0_MO).toHaveLength(59);
    const mo = decodeMo(SBD_RS_0_MO);
    expect(mo).toEqual({
      header: {
        cdrReference: 0x70ec0769,
        imei: '300234063904190',
        sessionStatus: 0,
        momsn: 75,
        mtmsn: 0,
        sessionTime: Date.UTC(2015, 6, 9, 18, 15, 8) / 1000,
      },
      payload: new TextEncoder().encode('test message from pete'),
    });
    expect(encodeMo(mo)).toEqual(SBD_RS_0_MO);
  });

  it('the MO confirmation is exactly 01 0004 05 0001 01 / …00, and ASCII "1" is refused', () => {
    expect(encodeMoConfirmation(true)).toEqual(hex('01 0004 05 0001 01'));
    expect(encodeMoConfirmation(false)).toEqual(hex('01 0004 05 0001 00'));
    expect(decodeMoConfirmation(hex('01 0004 05 0001 01'))).toBe(true);
    expect(decodeMoConfirmation(hex('01 0004 05 0001 00'))).toBe(false);
    expect(code(() => decodeMoConfirmation(hex('31 0004 05 0001 01')))).toBe('DIRECTIP_MALFORMED');
    expect(code(() => decodeMoConfirmation(hex('01 0004 05 0001 02')))).toBe('DIRECTIP_MALFORMED');
    expect(code(() => decodeMoConfirmation(hex('01 0005 05 0002 0100')))).toBe('DIRECTIP_MALFORMED');
  });

  it('the guide MT delivery decodes and encodes back', () => {
    const mt = decodeMt(GUIDE_MT);
    expect(mt).toEqual({
      header: { clientMessageId: 0x4d736731, imei: '300034010123450', flags: 0 },
      payload: MT_PAYLOAD_70,
    });
    expect(Buffer.from(mt.header.clientMessageId.toString(16), 'hex').toString()).toBe('Msg1');
    expect(encodeMt(mt)).toEqual(GUIDE_MT);
  });

  it('the guide MT confirmation decodes: queued at position 50, auto id 58473', () => {
    const c = decodeMtConfirmation(GUIDE_MT_CONFIRMATION);
    expect(c).toEqual({
      clientMessageId: 0x4d736731,
      imei: '300034010123450',
      autoIdReference: 0xe469,
      status: 50,
    });
    expect(mtStatusMeaning(c.status)).toMatchObject({ ok: true });
    expect(encodeMtConfirmation(c)).toEqual(GUIDE_MT_CONFIRMATION);
    const refused = encodeMtConfirmation({ ...c, autoIdReference: 0, status: -5 });
    expect(refused.subarray(-2)).toEqual(hex('fffb'));
    expect(decodeMtConfirmation(refused).status).toBe(-5);
  });
});

describe('MO structure', () => {
  const header = `01 001c 70ec0769 ${ascii('300234063904190')} 00 004b 0000 559eba2c`;
  const location = '03 000b 03 1c 2b66 70 0b4f 0000000a'; // S 28°11.110′, W 112°2.895′, 10 km
  const payload = '02 0002 cafe';

  it('takes IEs in any order, with the location as 11 bytes and its hemisphere bits', () => {
    const parts = [header, location, payload];
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
    ]) {
      const body = order.map((i) => parts[i]).join(' ');
      const length = hex(body).length;
      const mo = decodeMo(hex(`01 ${length.toString(16).padStart(4, '0')} ${body}`));
      expect(mo.payload).toEqual(hex('cafe'));
      expect(mo.location).toEqual({
        south: true,
        west: true,
        latDegrees: 28,
        latMinuteThousandths: 11_110,
        lonDegrees: 112,
        lonMinuteThousandths: 2_895,
        cepKm: 10,
      });
    }
    const mo = decodeMo(hex(`01 002d ${header} ${location}`));
    expect(mo.payload).toBeUndefined(); // a mailbox check
    const { latitude, longitude } = locationDegrees(mo.location as NonNullable<MoMessage['location']>);
    expect(latitude).toBeCloseTo(-(28 + 11.11 / 60), 9);
    expect(longitude).toBeCloseTo(-(112 + 2.895 / 60), 9);
  });

  it('skips unknown IEs by their length', () => {
    const mo = decodeMo(hex(`01 0029 ${header} 7f 0002 abcd ${payload}`));
    expect(mo.payload).toEqual(hex('cafe'));
    expect(mo.skipped).toEqual([0x7f]);
  });

  it.each([
    ['no header', `01 0005 ${payload}`],
    ['a header of 27 bytes', `01 001e 01 001b ${'00'.repeat(27)}`],
    ['a location of 20 bytes (the guide erratum)', `01 0036 ${header} 03 0014 ${'00'.repeat(20)}`],
    ['the header twice', `01 003e ${header} ${header}`],
    ['an empty payload IE', `01 0022 ${header} 02 0000`],
    ['an IE running past the end', `01 0024 ${header} 02 0009 cafe`],
    ['a stray byte', `01 0020 ${header} 02`],
    ['an overall length one short', `01 001e ${header}`],
    ['an overall length one long', `01 0020 ${header}`],
    ['revision 2', `02 001f ${header}`],
    ['latitude 91°', `01 002d ${header} 03 000b 00 5b 0000 00 0000 00000001`],
    ['minutes 60.000', `01 002d ${header} 03 000b 00 00 ea60 00 0000 00000001`],
    ['a location format code', `01 002d ${header} 03 000b 04 00 0000 00 0000 00000001`],
    ['a non-digit IMEI', `01 001f 01 001c 00000000 ${ascii('30023406390419x')} 00 0000 0000 00000000`],
  ])('refuses %s', (_, bytes) => {
    expect(code(() => decodeMo(hex(bytes)))).toBe('DIRECTIP_MALFORMED');
  });

  it('converts degrees to the location IE fields and back within a thousandth of a minute', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (lat, lon) => {
          const loc = locationFromDegrees(lat, lon, 5);
          const back = locationDegrees(loc);
          expect(Math.abs(back.latitude - lat)).toBeLessThanOrEqual(0.5 / 60_000 + 1e-12);
          expect(Math.abs(back.longitude - lon)).toBeLessThanOrEqual(0.5 / 60_000 + 1e-12);
          expect(decodeMo(encodeMo({ header: headerOf(), location: loc })).location).toEqual(loc);
        },
      ),
    );
  });
});

function headerOf(): MoMessage['header'] {
  return { cdrReference: 1, imei: '300234063904190', sessionStatus: 0, momsn: 1, mtmsn: 0, sessionTime: 0 };
}

const u = (max: number) => fc.integer({ min: 0, max });
const imeiArb = fc.stringMatching(/^\d{15}$/);

const moArb: fc.Arbitrary<MoMessage> = fc
  .record(
    {
      header: fc.record({
        cdrReference: u(0xffff_ffff),
        imei: imeiArb,
        sessionStatus: u(255),
        momsn: u(65_535),
        mtmsn: u(65_535),
        sessionTime: u(0xffff_ffff),
      }),
      payload: fc.uint8Array({ minLength: 1, maxLength: 1960 }),
      location: fc.record({
        south: fc.boolean(),
        west: fc.boolean(),
        latDegrees: u(90),
        latMinuteThousandths: u(59_999),
        lonDegrees: u(180),
        lonMinuteThousandths: u(59_999),
        cepKm: u(0xffff_ffff),
      }),
    },
    { requiredKeys: ['header'] },
  )
  .map((m) => m as MoMessage);

const mtArb: fc.Arbitrary<MtMessage> = fc
  .record({
    clientMessageId: u(0xffff_ffff),
    imei: imeiArb,
    flush: fc.boolean(),
    ring: fc.boolean(),
    high: fc.boolean(),
    payload: fc.option(fc.uint8Array({ minLength: 1, maxLength: 1890 }), { nil: undefined }),
    priority: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  })
  .map(({ clientMessageId, imei, flush, ring, high, payload, priority }) => {
    const ringAlert = ring && payload === undefined;
    const flags =
      (flush ? MT_FLAG.flushQueue : 0) |
      (ringAlert ? MT_FLAG.sendRingAlert : 0) |
      (high ? MT_FLAG.highPriority : 0);
    const m: MtMessage = { header: { clientMessageId, imei, flags } };
    if (payload) m.payload = payload;
    if (priority !== undefined) m.priority = priority;
    return m;
  });

describe('round trips (property)', () => {
  it('MO: decode(encode(m)) = m', () => {
    fc.assert(
      fc.property(moArb, (m) => {
        expect(decodeMo(encodeMo(m))).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('MT: decode(encode(m)) = m', () => {
    fc.assert(
      fc.property(mtArb, (m) => {
        expect(decodeMt(encodeMt(m))).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('MT confirmation: decode(encode(c)) = c', () => {
    fc.assert(
      fc.property(
        u(0xffff_ffff),
        imeiArb,
        u(0xffff_ffff),
        fc.integer({ min: -32_768, max: 32_767 }),
        (id, imei, auto, status) => {
          const c = { clientMessageId: id, imei, autoIdReference: auto, status };
          expect(decodeMtConfirmation(encodeMtConfirmation(c))).toEqual(c);
        },
      ),
    );
  });

  it('IE order does not matter: any permutation decodes to the same MO message', () => {
    fc.assert(
      fc.property(moArb, fc.integer({ min: 0, max: 5 }), (m, seed) => {
        const ies = decodeMessage(encodeMo(m));
        const shuffled = [...ies].sort((a, b) => ((a.id * 7 + seed) % 5) - ((b.id * 7 + seed) % 5));
        expect(decodeMo(encodeMessage(shuffled))).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });
});

describe('MT flags and statuses', () => {
  it('enforces the §3.3 combination rules', () => {
    expect(mtFlagProblem(MT_FLAG.flushQueue | MT_FLAG.sendRingAlert, false)).toBeUndefined();
    expect(mtFlagProblem(MT_FLAG.flushQueue | MT_FLAG.assignMtmsn, true)).toBeUndefined();
    expect(mtFlagProblem(MT_FLAG.sendRingAlert | MT_FLAG.assignMtmsn, false)).toMatch(/exclude/);
    expect(mtFlagProblem(MT_FLAG.sendRingAlert, true)).toMatch(/no payload/);
    expect(mtFlagProblem(MT_FLAG.assignMtmsn, false)).toMatch(/needs a payload/);
    expect(mtFlagProblem(0x0004, true)).toMatch(/undefined/);
    expect(() =>
      encodeMt({
        header: { clientMessageId: 1, imei: '300034010123450', flags: MT_FLAG.sendRingAlert },
        payload: Uint8Array.of(1),
      }),
    ).toThrow(RangeError);
  });

  it('maps every status of the table', () => {
    expect(mtStatusMeaning(0)).toMatchObject({ ok: true });
    expect(mtStatusMeaning(1)).toMatchObject({ ok: true });
    expect(mtStatusMeaning(51)).toMatchObject({ ok: false, retry: 'later' });
    for (let s = -1; s >= -12; s--) expect(mtStatusMeaning(s).ok).toBe(false);
    expect(mtStatusMeaning(-5)).toMatchObject({
      retry: 'later',
      description: expect.stringMatching(/queue full/),
    });
    expect(mtStatusMeaning(-3).retry).toBe('never');
  });
});

describe('untrusted bytes (property)', () => {
  const decoders = [decodeMo, decodeMt, decodeMtConfirmation, decodeMoConfirmation, decodeMessage];

  it('random bytes throw nothing but DIRECTIP_MALFORMED', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const d of decoders) code(() => d(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('valid messages with bytes changed, cut or added throw nothing but DIRECTIP_MALFORMED', () => {
    const valid = fc.oneof(
      moArb.map(encodeMo),
      mtArb.map(encodeMt),
      fc.constant(SBD_RS_0_MO),
      fc.constant(GUIDE_MT),
    );
    fc.assert(
      fc.property(
        valid,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 2 }),
        (bytes, at, value, how) => {
          const i = at % bytes.length;
          const mutated =
            how === 0
              ? Uint8Array.from(bytes, (b, j) => (j === i ? value : b))
              : how === 1
                ? bytes.subarray(0, i)
                : Uint8Array.from([...bytes, value]);
          for (const d of decoders) code(() => d(mutated));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a cut or lengthened message is always refused (strict lengths)', () => {
    fc.assert(
      fc.property(moArb.map(encodeMo), fc.nat(), (bytes, at) => {
        expect(code(() => decodeMo(bytes.subarray(0, at % bytes.length)))).toBe('DIRECTIP_MALFORMED');
        expect(code(() => decodeMo(Uint8Array.from([...bytes, 0])))).toBe('DIRECTIP_MALFORMED');
      }),
      { numRuns: 500 },
    );
  });

  it('knows a message is complete from its first three bytes', () => {
    expect(expectedMessageBytes(SBD_RS_0_MO.subarray(0, 2))).toBeUndefined();
    expect(expectedMessageBytes(SBD_RS_0_MO.subarray(0, 3))).toBe(59);
    expect(code(() => expectedMessageBytes(Uint8Array.of(0x31)))).toBe('DIRECTIP_MALFORMED');
  });
});

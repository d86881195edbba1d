/**
 * Test support: FromRadio frames as bytes, the golden vectors of docs/meshtastic.md §1.11, and
 * fast-check generators of valid FromRadio messages built with the official schema.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { create, encodeFromRadio, type FromRadio, Schemas } from '../codec.js';
import { encodeStreamFrame } from '../framing.js';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type FromRadioInit = MessageInitShape<typeof Schemas.FromRadio>;

/** The protobuf bytes of a FromRadio. */
export const fromRadioBytes = (init: FromRadioInit): Uint8Array =>
  encodeFromRadio(create(Schemas.FromRadio, init));

/** A FromRadio as a stream frame: header and protobuf. */
export const fromRadioFrame = (init: FromRadioInit): Uint8Array => encodeStreamFrame(fromRadioBytes(init));

/** §1.11, byte for byte. */
export const GOLDEN = {
  rebooted: unhex('94 c3 00 02 40 01'),
  myInfo: unhex('94 c3 00 0d 1a 0b 08 8d 98 ac 50 40 03 58 f8 eb 01'),
  configComplete: unhex('94 c3 00 06 38 f8 ac d1 91 01'),
  queueStatus: unhex('94 c3 00 0c 5a 0a 10 0f 18 10 20 ef fd b6 f5 0d'),
  realAck: unhex(
    '94 c3 00 37 12 35 0d 44 33 22 11 15 0d 0c 0b 0a 22 0b 08 05 12 02 18 00 35 ef be ad de 35 77 77 00 00 3d 00 f1 53 65 45 00 00 d0 40 48 03 60 a6 ff ff ff ff ff ff ff ff 01 78 03',
  ),
  nakMaxRetransmit: unhex(
    '94 c3 00 1e 12 1c 0d 0d 0c 0b 0a 15 0d 0c 0b 0a 22 0b 08 05 12 02 18 05 35 ef be ad de 35 78 77 00 00',
  ),
} as const;

const u32 = fc.integer({ min: 1, max: 0xffffffff });
const smallBytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
/** Strings as people type them, with emoji and other non-ASCII text (nanopb bounds: 40, 4, 200). */
const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });

/** A valid FromRadio the firmware could send, of any variant the adapter reads. */
export const fromRadioArb: fc.Arbitrary<FromRadio> = fc
  .oneof(
    fc.constant<FromRadioInit>({ payloadVariant: { case: 'rebooted', value: true } }),
    u32.map<FromRadioInit>((n) => ({ payloadVariant: { case: 'configCompleteId', value: n } })),
    fc
      .record({ res: fc.constantFrom(0, 32, 33, 34), free: fc.nat(16), id: fc.nat() })
      .map<FromRadioInit>(({ res, free, id }) => ({
        payloadVariant: { case: 'queueStatus', value: { res, free, maxlen: 16, meshPacketId: id } },
      })),
    fc.record({ num: u32, reboots: fc.nat(1000) }).map<FromRadioInit>(({ num, reboots }) => ({
      payloadVariant: {
        case: 'myInfo',
        value: { myNodeNum: num, rebootCount: reboots, minAppVersion: 30200 },
      },
    })),
    fc.record({ num: u32, long: text(20), short: text(2) }).map<FromRadioInit>(({ num, long, short }) => ({
      payloadVariant: {
        case: 'nodeInfo',
        value: {
          num,
          user: { id: `!${num.toString(16).padStart(8, '0')}`, longName: long, shortName: short },
        },
      },
    })),
    fc.record({ index: fc.nat(7), name: text(11), role: fc.nat(2) }).map<FromRadioInit>((c) => ({
      payloadVariant: {
        case: 'channel',
        value: { index: c.index, role: c.role, settings: { name: c.name, psk: new Uint8Array([1]) } },
      },
    })),
    text(100).map<FromRadioInit>((message) => ({
      payloadVariant: { case: 'logRecord', value: { message, level: 10, source: 'Router' } },
    })),
    fc
      .record({
        from: u32,
        to: u32,
        id: u32,
        channel: fc.nat(7),
        portnum: fc.constantFrom(1, 3, 5, 256, 300),
        payload: smallBytes(233),
        snr: fc.integer({ min: -80, max: 40 }).map((q) => q / 4),
        rssi: fc.integer({ min: -140, max: -20 }),
        hopStart: fc.nat(7),
        hopLimit: fc.nat(7),
      })
      .map<FromRadioInit>((p) => ({
        payloadVariant: {
          case: 'packet',
          value: {
            from: p.from,
            to: p.to,
            id: p.id,
            channel: p.channel,
            payloadVariant: { case: 'decoded', value: { portnum: p.portnum, payload: p.payload } },
            rxTime: 1_700_000_000,
            rxSnr: p.snr,
            rxRssi: p.rssi,
            hopStart: p.hopStart,
            hopLimit: Math.min(p.hopLimit, p.hopStart),
          },
        },
      })),
  )
  .map((init) => create(Schemas.FromRadio, init));

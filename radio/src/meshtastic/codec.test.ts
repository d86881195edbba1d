/**
 * The codec and frame writer against the golden vectors of docs/meshtastic.md §1.11, byte for
 * byte, and MESH_DECODE for bytes that are not the schema.
 */
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { create, decodeFromRadio, encodeFromRadio, encodeToRadio, Schemas } from './codec.js';
import { encodeStreamFrame } from './framing.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));

describe('golden vectors §1.11', () => {
  it('ToRadio want_config_id=0x12345678', () => {
    const bytes = encodeToRadio(
      create(Schemas.ToRadio, { payloadVariant: { case: 'wantConfigId', value: 0x12345678 } }),
    );
    expect(hex(encodeStreamFrame(bytes))).toBe('94c3000618f8acd19101');
  });

  it('ToRadio heartbeat and disconnect', () => {
    expect(
      hex(
        encodeStreamFrame(
          encodeToRadio(create(Schemas.ToRadio, { payloadVariant: { case: 'heartbeat', value: {} } })),
        ),
      ),
    ).toBe('94c300023a00');
    expect(
      hex(
        encodeStreamFrame(
          encodeToRadio(create(Schemas.ToRadio, { payloadVariant: { case: 'disconnect', value: true } })),
        ),
      ),
    ).toBe('94c300022001');
  });

  it('ToRadio packet to 0x11223344 with want_ack, hop_limit 3, portnum 256', () => {
    const toRadio = create(Schemas.ToRadio, {
      payloadVariant: {
        case: 'packet',
        value: {
          to: 0x11223344,
          id: 0xdeadbeef,
          wantAck: true,
          hopLimit: 3,
          channel: 0,
          payloadVariant: { case: 'decoded', value: { portnum: 256, payload: unhex('a10102') } },
        },
      },
    });
    expect(hex(encodeStreamFrame(encodeToRadio(toRadio)))).toBe(
      '94c3001a0a18154433221122080880021203a1010235efbeadde48035001',
    );
  });

  it('FromRadio queueStatus and config_complete_id decode to their values', () => {
    const qs = decodeFromRadio(unhex('5a0a100f181020effdb6f50d'));
    expect(qs.payloadVariant).toMatchObject({
      case: 'queueStatus',
      value: { res: 0, free: 15, maxlen: 16, meshPacketId: 0xdeadbeef },
    });
    const done = create(Schemas.FromRadio, {
      payloadVariant: { case: 'configCompleteId', value: 0x12345678 },
    });
    expect(hex(encodeStreamFrame(encodeFromRadio(done)))).toBe('94c3000638f8acd19101');
  });

  it('FromRadio real ACK decodes with request_id, SNR, RSSI and hops', () => {
    const frame = unhex(
      '94 c3 00 37 12 35 0d 44 33 22 11 15 0d 0c 0b 0a 22 0b 08 05 12 02 18 00 35 ef be ad de 35 77 77 00 00 3d 00 f1 53 65 45 00 00 d0 40 48 03 60 a6 ff ff ff ff ff ff ff ff 01 78 03',
    );
    const msg = decodeFromRadio(frame.subarray(4));
    expect(msg.payloadVariant.case).toBe('packet');
    const p = msg.payloadVariant.value as Exclude<
      typeof msg.payloadVariant.value,
      undefined | number | boolean
    > & {
      from: number;
    };
    expect(p).toMatchObject({
      from: 0x11223344,
      to: 0x0a0b0c0d,
      id: 0x7777,
      rxTime: 1700000000,
      rxSnr: 6.5,
      rxRssi: -90,
    });
    expect(hex(encodeStreamFrame(encodeFromRadio(msg)))).toBe(hex(frame));
  });

  it('throws MESH_DECODE with a cause for bytes that are not a FromRadio', () => {
    try {
      decodeFromRadio(unhex('12ff'));
      expect.unreachable();
    } catch (err) {
      expect(isKitError(err, 'MESH_DECODE')).toBe(true);
      expect((err as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('refuses to frame more than 512 bytes', () => {
    expect(() => encodeStreamFrame(new Uint8Array(513))).toThrow(RangeError);
    expect(encodeStreamFrame(new Uint8Array(512)).length).toBe(516);
  });
});

/**
 * The packet frame the host writes (to-radio.ts; docs/meshtastic.md §2.1, §8.5): what the radio
 * reads back out of it, `request_id` included, since a frame that names no packet teaches no
 * route (answered-packets.ts).
 */
import { describe, expect, it } from 'vitest';
import { decodeToRadio } from './codec.js';
import { packetFrame } from './to-radio.js';

const base = {
  id: 0x1234_5678,
  to: 0x0a00_0011,
  channel: 0,
  portnum: 256,
  payload: Uint8Array.of(1, 2, 3),
  hopLimit: 2,
  wantAck: false,
  priority: 0,
};

/** The MeshPacket inside a framed ToRadio (a 4-byte stream header, docs/meshtastic.md §1.2). */
function packetOf(frame: Uint8Array) {
  const toRadio = decodeToRadio(frame.subarray(4));
  if (toRadio.payloadVariant.case !== 'packet') throw new Error('not a packet');
  const p = toRadio.payloadVariant.value;
  if (p.payloadVariant.case !== 'decoded') throw new Error('not decoded');
  return { packet: p, data: p.payloadVariant.value };
}

describe('packetFrame', () => {
  it('carries the packet answered in Data.request_id, 5 bytes more on the wire', () => {
    const plain = packetFrame(base);
    const naming = packetFrame({ ...base, requestId: 0xdead_beef });
    const { packet, data } = packetOf(naming);
    expect(data.requestId).toBe(0xdead_beef);
    expect(packet.id).toBe(0x1234_5678);
    expect(packet.hopLimit).toBe(2);
    expect(data.wantResponse).toBe(false);
    expect(naming.length - plain.length).toBe(5);
  });

  it('names nothing when no request id is given, or 0', () => {
    expect(packetOf(packetFrame(base)).data.requestId).toBe(0);
    expect(packetOf(packetFrame({ ...base, requestId: 0 })).data.requestId).toBe(0);
  });
});

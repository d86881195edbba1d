/**
 * Writing the Meshtastic stream frame (docs/meshtastic.md §1.1): 0x94 0xC3, a big-endian
 * 16-bit length of at most 512, then the protobuf. No CRC, no escaping. Reading frames back is the
 * job of stream-parser.ts (host side) and of the simulator's device-side reader, whose rules
 * differ (§1.1, §8.3).
 */
import { HEADER_LEN, MAX_FRAME_PAYLOAD, START1, START2 } from './constants.js';

/** The framed bytes of one protobuf; a payload over 512 bytes is a programmer error. */
export function encodeStreamFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_FRAME_PAYLOAD) {
    throw new RangeError(`a stream frame carries at most ${MAX_FRAME_PAYLOAD} bytes, not ${payload.length}`);
  }
  const out = new Uint8Array(HEADER_LEN + payload.length);
  out[0] = START1;
  out[1] = START2;
  out[2] = payload.length >> 8;
  out[3] = payload.length & 0xff;
  out.set(payload, HEADER_LEN);
  return out;
}

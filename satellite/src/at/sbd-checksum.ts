/**
 * The SBD buffer checksum and the two binary framings that carry it (docs/iridium.md §0 items
 * 2 and 3, §1.3 AT+SBDWB and AT+SBDRB, §7.6 vectors).
 *
 * The checksum is the low 16 bits of the sum of the payload bytes, sent high byte first. SBDWB
 * takes `<payload><sum:u16BE>` after READY; SBDRB answers `<len:u16BE><payload><sum:u16BE>`.
 * "hello" → 68 65 6c 6c 6f 02 14; its SBDRB block → 00 05 68 65 6c 6c 6f 02 14.
 */
import { KitError } from '../../../node/src/base/errors.js';

/** Low 16 bits of the byte sum. */
export function sbdChecksum(payload: Uint8Array): number {
  let sum = 0;
  for (const b of payload) sum = (sum + b) & 0xffff;
  return sum;
}

/** What AT+SBDWB wants after READY: the payload followed by its checksum, big-endian. */
export function withChecksum(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 2);
  out.set(payload, 0);
  const sum = sbdChecksum(payload);
  out[payload.length] = sum >> 8;
  out[payload.length + 1] = sum & 0xff;
  return out;
}

/** An SBDRB block for `payload` (the simulator's side of AT+SBDRB). */
export function encodeSbdrbBlock(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff)
    throw new RangeError(`an SBD block holds at most 65535 bytes, not ${payload.length}`);
  const out = new Uint8Array(payload.length + 4);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  const sum = sbdChecksum(payload);
  out[payload.length + 2] = sum >> 8;
  out[payload.length + 3] = sum & 0xff;
  return out;
}

/**
 * Takes an SBDRB block apart and verifies it: the length must account for every byte
 * (AT_MALFORMED otherwise) and the checksum must match (SBD_CHECKSUM). An empty MT buffer is
 * `00 00 00 00` and gives an empty payload.
 */
export function decodeSbdrbBlock(block: Uint8Array): Uint8Array {
  if (block.length < 4) {
    throw new KitError('AT_MALFORMED', `an SBDRB block has at least 4 bytes, this one ${block.length}`);
  }
  const length = ((block[0] ?? 0) << 8) | (block[1] ?? 0);
  if (block.length !== length + 4) {
    throw new KitError(
      'AT_MALFORMED',
      `SBDRB announces ${length} payload bytes but the block carries ${block.length - 4}`,
    );
  }
  const payload = block.slice(2, 2 + length);
  const sent = ((block[2 + length] ?? 0) << 8) | (block[3 + length] ?? 0);
  const computed = sbdChecksum(payload);
  if (sent !== computed) {
    throw new KitError(
      'SBD_CHECKSUM',
      `SBDRB checksum ${hex4(sent)} does not match the ${length} bytes read (sum ${hex4(computed)})`,
    );
  }
  return payload;
}

function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

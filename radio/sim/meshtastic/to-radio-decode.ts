/**
 * Decoding a ToRadio the way the device does (docs/meshtastic.md §1.1, §2.2, §2.4): the
 * firmware's nanopb decoder has fixed-size buffers, so a ToRadio whose `Data.payload` is over 233
 * bytes (or `encrypted` over 256, `public_key` over 32) fails `pb_decode_from_bytes` like garbage
 * does, and `PhoneAPI::handleToRadio` logs "Error: ignore malformed toradio" and drops it: no
 * QueueStatus, no NAK. The official schema has no such limits, so the bytes are decoded with it
 * and the sizes checked after (sizes from firmware v2.6.11 src/mesh/generated/meshtastic/mesh.pb.h).
 */
import { decodeToRadio, type ToRadio } from '../../src/meshtastic/codec.js';
import { DATA_PAYLOAD_MAX } from '../../src/meshtastic/constants.js';

/** `meshtastic_MeshPacket_encrypted_t` and `meshtastic_MeshPacket_public_key_t`. */
const ENCRYPTED_MAX = 256;
const PUBLIC_KEY_MAX = 32;

export type DeviceDecodeResult = { ok: true; toRadio: ToRadio } | { ok: false; why: string };

export function decodeToRadioOnDevice(payload: Uint8Array): DeviceDecodeResult {
  let toRadio: ToRadio;
  try {
    toRadio = decodeToRadio(payload);
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
  if (toRadio.payloadVariant.case === 'packet') {
    const p = toRadio.payloadVariant.value;
    if (p.payloadVariant.case === 'decoded' && p.payloadVariant.value.payload.length > DATA_PAYLOAD_MAX) {
      return {
        ok: false,
        why: `Data.payload of ${p.payloadVariant.value.payload.length} bytes > ${DATA_PAYLOAD_MAX}`,
      };
    }
    if (p.payloadVariant.case === 'encrypted' && p.payloadVariant.value.length > ENCRYPTED_MAX) {
      return { ok: false, why: `encrypted of ${p.payloadVariant.value.length} bytes > ${ENCRYPTED_MAX}` };
    }
    if (p.publicKey.length > PUBLIC_KEY_MAX) {
      return { ok: false, why: `public_key of ${p.publicKey.length} bytes > ${PUBLIC_KEY_MAX}` };
    }
  }
  return { ok: true, toRadio };
}

/**
 * The device side of the Meshtastic stream framing: a port of the firmware's byte-by-byte reader
 * `StreamAPI::readStream` (docs/meshtastic.md §1.1; firmware v2.6.11 src/mesh/StreamAPI.cpp).
 *
 * Unlike a host parser (§8.3) it never looks back: at position 0 it wants 0x94, at 1 it wants
 * 0xC3, and on a mismatch it restarts at position 0 with the *next* byte. So `94 94 C3 ...` is not
 * a frame to the device: the second 0x94 is consumed as the failed START2. After the 4th byte a
 * length over 512 restarts the hunt; a length of 0 is a legal, empty ToRadio. Each complete
 * payload goes to the handler (`handleToRadio`), which decodes it or drops it.
 */
import { HEADER_LEN, MAX_FRAME_PAYLOAD, START1, START2 } from '../../src/meshtastic/constants.js';

export class DeviceStreamReader {
  /** `rxBuf` of the firmware: the header and payload of the frame being read. */
  readonly #buf = new Uint8Array(HEADER_LEN + MAX_FRAME_PAYLOAD);
  /** `rxPtr`: how many bytes of the current frame are in `#buf`. */
  #ptr = 0;
  readonly #onPayload: (payload: Uint8Array) => void;

  /** `onPayload` receives a copy of each complete frame's payload, in stream order. */
  constructor(onPayload: (payload: Uint8Array) => void) {
    this.#onPayload = onPayload;
  }

  /** Feeds bytes as they arrive; chunk boundaries do not matter. */
  push(chunk: Uint8Array): void {
    for (const c of chunk) this.#byte(c);
  }

  /** Forgets a partial frame, as a reboot does. */
  reset(): void {
    this.#ptr = 0;
  }

  /** True while the reader is inside a frame (header or payload). */
  get inFrame(): boolean {
    return this.#ptr > 0;
  }

  #byte(c: number): void {
    const ptr = this.#ptr;
    this.#ptr++;
    this.#buf[ptr] = c;
    if (ptr === 0) {
      if (c !== START1) this.#ptr = 0;
      return;
    }
    if (ptr === 1) {
      if (c !== START2) this.#ptr = 0;
      return;
    }
    if (ptr < HEADER_LEN - 1) return;
    const len = ((this.#buf[2] ?? 0) << 8) + (this.#buf[3] ?? 0);
    // Only validated when the header has just been completed, as in the firmware.
    if (ptr === HEADER_LEN - 1 && len > MAX_FRAME_PAYLOAD) {
      this.#ptr = 0;
      return;
    }
    if (ptr + 1 >= len + HEADER_LEN) {
      this.#ptr = 0;
      this.#onPayload(this.#buf.slice(HEADER_LEN, HEADER_LEN + len));
    }
  }
}

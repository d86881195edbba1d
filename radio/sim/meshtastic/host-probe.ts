/**
 * A test host for the simulated device: it holds the host end of a byte stream, writes framed
 * ToRadio, and splits what the device sends into FromRadio frames and text with the host-side
 * rules of docs/meshtastic.md §8.3 (a frame is a 94 C3 header with a length ≤ 512 whose
 * payload decodes; anything else is text, advancing one byte). Test support, not a client.
 */

import type { Duplex } from 'node:stream';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  create,
  decodeFromRadio,
  encodeToRadio,
  type FromRadio,
  Schemas,
} from '../../src/meshtastic/codec.js';
import { encodeStreamFrame } from '../../src/meshtastic/framing.js';

export type ToRadioInit = NonNullable<MessageInitShape<typeof Schemas.ToRadio>['payloadVariant']>;

export interface ParsedStream {
  frames: FromRadio[];
  /** The raw bytes of each accepted frame, header included. */
  raw: Uint8Array[];
  text: string;
}

export function parseDeviceStream(bytes: Uint8Array): ParsedStream {
  const frames: FromRadio[] = [];
  const raw: Uint8Array[] = [];
  const text: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0x94 && bytes[i + 1] === 0xc3 && i + 3 < bytes.length) {
      const len = ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0);
      if (len <= 512 && i + 4 + len <= bytes.length) {
        try {
          frames.push(decodeFromRadio(bytes.subarray(i + 4, i + 4 + len)));
          raw.push(bytes.slice(i, i + 4 + len));
          i += 4 + len;
          continue;
        } catch {
          // not a frame: fall through and treat the byte as text
        }
      }
    }
    text.push(bytes[i] ?? 0);
    i++;
  }
  return { frames, raw, text: Buffer.from(text).toString('utf8') };
}

export const frameOf = (v: ToRadioInit): Uint8Array =>
  encodeStreamFrame(encodeToRadio(create(Schemas.ToRadio, { payloadVariant: v })));

/** Lets the device's microtask pump and the stream's nextTick deliveries run. */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Polls `check` until it is true; fails after `ms` of wall time (real sockets and ptys). */
export async function until(check: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export class HostProbe {
  #bytes: Buffer[] = [];
  #closed = false;
  readonly stream: Duplex;

  constructor(stream: Duplex) {
    this.stream = stream;
    stream.on('data', (c: Buffer) => this.#bytes.push(Buffer.from(c)));
    stream.on('close', () => {
      this.#closed = true;
    });
    stream.on('end', () => {
      this.#closed = true;
    });
    stream.on('error', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed || this.stream.destroyed;
  }

  /** Everything received so far. */
  bytes(): Uint8Array {
    return Uint8Array.from(Buffer.concat(this.#bytes));
  }

  parsed(): ParsedStream {
    return parseDeviceStream(this.bytes());
  }

  frames(): FromRadio[] {
    return this.parsed().frames;
  }

  /** Frame variant names in order, e.g. ['myInfo', 'deviceuiConfig', ...]. */
  cases(): string[] {
    return this.frames().map((f) => String(f.payloadVariant.case));
  }

  /** Forgets what was received. */
  clear(): void {
    this.#bytes = [];
  }

  send(v: ToRadioInit): void {
    this.stream.write(frameOf(v));
  }

  write(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  /** Waits (wall time) until a frame satisfies `check`. */
  async waitForFrame(check: (m: FromRadio) => boolean, ms = 3000): Promise<FromRadio> {
    await until(() => this.frames().some(check), ms, 'a frame');
    const found = this.frames().find(check);
    if (found === undefined) throw new Error('frame vanished');
    return found;
  }

  /** Sends want_config_id and waits (wall time) for its config_complete_id. */
  async handshakeOverIo(nonce = 0x12345678, ms = 3000): Promise<FromRadio[]> {
    this.clear();
    this.send({ case: 'wantConfigId', value: nonce });
    await this.waitForFrame(
      (m) => m.payloadVariant.case === 'configCompleteId' && m.payloadVariant.value === nonce,
      ms,
    );
    return this.frames();
  }

  /** Sends want_config_id and waits until the dump has arrived. */
  async handshake(nonce = 0x12345678): Promise<FromRadio[]> {
    this.clear();
    this.send({ case: 'wantConfigId', value: nonce });
    await settle();
    return this.frames();
  }
}

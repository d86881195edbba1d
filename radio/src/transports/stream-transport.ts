/**
 * An in-process transport: the byte stream is given, or made on demand by a factory (a simulator
 * handing out a fresh connection per open, as a serial port re-enumerates or a TCP server
 * accepts). For tests and for running a link against radio/sim/meshtastic.
 */
import type { Duplex } from 'node:stream';
import { KitError } from '../../../node/src/base/errors.js';
import type { Transport } from './transport.js';

export class StreamTransport implements Transport {
  readonly description: string;
  readonly #source: Duplex | (() => Duplex | Promise<Duplex>);
  #current: Duplex | undefined;

  /**
   * `source`: one stream, which can then be opened once (a later open() fails once it has ended),
   * or a factory called on every open().
   */
  constructor(source: Duplex | (() => Duplex | Promise<Duplex>), description = 'in-process stream') {
    this.#source = source;
    this.description = description;
  }

  async open(signal?: AbortSignal): Promise<Duplex> {
    signal?.throwIfAborted();
    await this.close();
    let stream: Duplex;
    try {
      stream = typeof this.#source === 'function' ? await this.#source() : this.#source;
    } catch (err) {
      throw new KitError('MESH_PORT', `${this.description}: cannot open`, { cause: err });
    }
    if (stream.destroyed || stream.readableEnded || !stream.writable) {
      throw new KitError('MESH_PORT', `${this.description}: the stream is closed`, {
        cause: Object.assign(new Error('stream closed'), { code: 'ENODEV' }),
      });
    }
    if (signal?.aborted) {
      if (typeof this.#source === 'function') stream.destroy();
      throw signal.reason;
    }
    this.#current = stream;
    return stream;
  }

  async close(): Promise<void> {
    const s = this.#current;
    this.#current = undefined;
    if (s !== undefined && !s.destroyed) s.destroy();
  }
}

/**
 * The county centre's DirectIP MT client (docs/iridium.md §3.1, §3.3, §7.5): one connection
 * per message; send the MT message, wait for the gateway's MT confirmation (IE 0x44), and let the
 * gateway close. The confirmation's status says what happened: 1–50 queued at that position, 0
 * done without a payload, negative an error (mt.ts MT_STATUS).
 *
 * Outcomes are values, not exceptions: a confirmation (whatever its status), or why none came
 * (network, timeout, aborted, malformed). Nothing is retried here; the link's caller decides.
 */
import { connect, type Socket } from 'node:net';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import {
  decodeMtConfirmation,
  encodeMt,
  type MtConfirmation,
  type MtMessage,
  type MtStatusMeaning,
  mtStatusMeaning,
} from './mt.js';
import { ReadTimeoutError, readMessage } from './read-message.js';

export type MtSendResult =
  | { kind: 'confirmed'; confirmation: MtConfirmation; meaning: MtStatusMeaning }
  | { kind: 'network' | 'timeout' | 'aborted' | 'malformed'; detail: string; cause?: unknown };

export interface DirectIpMtClientOptions {
  /** The gateway's MT address (given to the VAR by Iridium; 10800 is the emulators' port). */
  host: string;
  port: number;
  /** Connect, send and confirmation must all happen within this, ms. Default 30,000. */
  timeoutMs?: number;
  log?: Logger;
}

export class DirectIpMtClient {
  readonly host: string;
  readonly port: number;
  readonly #timeoutMs: number;
  readonly #log: Logger;

  constructor(opts: DirectIpMtClientOptions) {
    this.host = opts.host;
    this.port = opts.port;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#log = opts.log ?? silentLogger;
  }

  /**
   * Sends one MT message and waits for its confirmation.
   *
   * @throws RangeError for a message the codec refuses (fields out of range, forbidden flags).
   */
  async send(message: MtMessage, opts: { signal?: AbortSignal } = {}): Promise<MtSendResult> {
    const bytes = encodeMt(message); // throws before any connection for a bad message
    if (opts.signal?.aborted) return { kind: 'aborted', detail: 'aborted before sending' };
    const deadline = Date.now() + this.#timeoutMs;
    let socket: Socket | undefined;
    const onAbort = () => socket?.destroy(new Error('aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      socket = connect({ host: this.host, port: this.port });
      await this.#connected(socket, deadline);
      socket.write(bytes);
      const { message: reply } = await readMessage(socket, Math.max(1, deadline - Date.now()));
      let confirmation: MtConfirmation;
      try {
        confirmation = decodeMtConfirmation(reply);
      } catch (err) {
        return { kind: 'malformed', detail: (err as Error).message, cause: err };
      }
      const meaning = mtStatusMeaning(confirmation.status);
      this.#log.debug(
        { imei: confirmation.imei, status: confirmation.status, ok: meaning.ok },
        'directip MT confirmed',
      );
      return { kind: 'confirmed', confirmation, meaning };
    } catch (err) {
      if (opts.signal?.aborted) return { kind: 'aborted', detail: 'aborted', cause: err };
      if (err instanceof ReadTimeoutError) return { kind: 'timeout', detail: err.message, cause: err };
      const e = err as Error & { code?: string };
      if (e.name === 'KitError') return { kind: 'malformed', detail: e.message, cause: err };
      return { kind: 'network', detail: `${this.host}:${this.port}: ${e.code ?? e.message}`, cause: err };
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
    }
  }

  #connected(socket: Socket, deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          socket.destroy();
          reject(new ReadTimeoutError(`no connection to ${this.host}:${this.port} in time`));
        },
        Math.max(1, deadline - Date.now()),
      );
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.on('error', () => {}); // later errors surface through readMessage
        resolve();
      });
    });
  }
}

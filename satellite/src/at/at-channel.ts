/**
 * An AT command channel over any duplex byte stream: a SerialPort in the daemon, the modem
 * simulator in tests (docs/iridium.md §1.1, §7.1 "Byte-stream parser"; docs/conventions.md §Adapters).
 *
 * Commands end with CR only. One exchange runs at a time; the others wait in order. Every exchange
 * has a timeout, and a late answer is not mistaken for the next command's (the active exchange
 * skips its own echo and waits for its own result). Unsolicited lines (SBDRING, +CIEV, +AREG,
 * HARDWARE FAILURE) are taken out at line boundaries whenever they come, also in the middle of an
 * exchange, and emitted as `urc`; they are never looked for inside an SBDRB block.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { KitError, show } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import {
  BlockExchange,
  type Exchange,
  type ExchangeHooks,
  PromptExchange,
  TextExchange,
} from './at-exchange.js';
import { AtReader, type AtReaderEvent } from './at-reader.js';

export interface AtChannelOptions {
  /** Timeout of a command given none of its own, ms. Default 5_000. */
  timeoutMs?: number;
  /** Longest text line kept, bytes. Default 1024. */
  maxLineLength?: number;
  log?: Logger;
}

export interface AtCommandOptions {
  /** Overrides the channel's timeout for this command, ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Accept `0`/`4` as OK/ERROR too (a modem left in ATV0; see TextExchangeOptions). */
  numericResults?: boolean;
}

export interface AtChannelEvents {
  /** An unsolicited result line, e.g. `SBDRING` or `+CIEV:0,3`. */
  urc: [string];
  /** The stream ended, failed, or close() was called (undefined). */
  closed: [Error | undefined];
}

/** The lines the 9602/9603 sends on its own (§1.1 "Unsolicited codes", §1.3 AT+SBDAREG). */
export function isUnsolicited(line: string): boolean {
  const t = line.trim().toUpperCase();
  return (
    t === 'SBDRING' || t.startsWith('+CIEV:') || t.startsWith('+AREG:') || t.startsWith('HARDWARE FAILURE')
  );
}

export class AtChannel extends EventEmitter<AtChannelEvents> {
  readonly #stream: Duplex;
  readonly #reader: AtReader;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  #tail: Promise<unknown> = Promise.resolve();
  #active: Exchange | undefined;
  #failActive: ((err: Error) => void) | undefined;
  #closed = false;

  readonly #onData = (chunk: Buffer): void => this.#reader.push(chunk);
  readonly #onError = (err: Error): void => this.#shutdown(err);
  readonly #onEnd = (): void => this.#shutdown(undefined);

  constructor(stream: Duplex, options: AtChannelOptions = {}) {
    super();
    this.#stream = stream;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#log = options.log ?? silentLogger;
    const readerOptions = options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength };
    this.#reader = new AtReader((e) => this.#onReaderEvent(e), readerOptions);
    stream.on('data', this.#onData);
    stream.on('error', this.#onError);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onEnd);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A text command; resolves to its information lines (echo, blank lines and URCs removed). */
  command(command: string, options: AtCommandOptions = {}): Promise<string[]> {
    const c = checked(command);
    const numeric = options.numericResults === true ? { numericResults: true } : {};
    return this.#run((hooks) => new TextExchange(c, hooks, numeric), options);
  }

  /**
   * A prompt exchange (AT+SBDWB): writes `bytes` after READY and resolves to the result digit
   * (0 ok, 1 write timeout, 2 checksum mismatch, 3 bad size). Rejects only for ERROR, a timeout
   * or a closed stream; the caller decides what a non-zero result means.
   */
  writeBinary(command: string, bytes: Uint8Array, options: AtCommandOptions = {}): Promise<number> {
    const c = checked(command);
    return this.#run((hooks) => new PromptExchange(c, bytes, hooks), options);
  }

  /** A block exchange (AT+SBDRB): resolves to the whole block, `<len><payload><sum>`, unverified. */
  readBlock(command: string, options: AtCommandOptions = {}): Promise<Uint8Array> {
    const c = checked(command);
    return this.#run((hooks) => new BlockExchange(c, hooks), options);
  }

  /** Stops using the stream (it stays open; its owner closes it). Pending commands get AT_CLOSED. */
  close(): void {
    this.#shutdown(undefined);
  }

  #run<T>(make: (hooks: ExchangeHooks<T>) => Exchange, options: AtCommandOptions): Promise<T> {
    const run = this.#tail.then(() => this.#start(make, options));
    this.#tail = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  #start<T>(make: (hooks: ExchangeHooks<T>) => Exchange, options: AtCommandOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#closed) {
        reject(new KitError('AT_CLOSED', 'the AT channel is closed'));
        return;
      }
      const signal = options.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(signal?.reason as Error);
      const finish = (err: Error | undefined, value?: T): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#active = undefined;
        this.#failActive = undefined;
        this.#reader.expectBlock(false);
        if (err === undefined) resolve(value as T);
        else reject(err);
      };
      const exchange = make({
        resolve: (value) => finish(undefined, value),
        reject: (err) => finish(err),
        write: (bytes) => this.#write(bytes),
      });
      this.#active = exchange;
      this.#failActive = (err) => finish(err);
      this.#reader.expectBlock(exchange.wantsBlock);
      timer = setTimeout(() => {
        // A half-read block must not be read as text by the next exchange.
        if (this.#reader.blockExpected) this.#reader.reset();
        finish(new KitError('AT_TIMEOUT', `no answer to ${exchange.command} within ${timeoutMs} ms`));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#log.debug({ command: exchange.command }, 'AT command');
      this.#write(Buffer.from(`${exchange.command}\r`, 'latin1'));
    });
  }

  #write(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#stream.write(bytes, (err) => {
      if (err) this.#shutdown(new KitError('AT_CLOSED', 'writing to the modem failed', { cause: err }));
    });
  }

  #onReaderEvent(e: AtReaderEvent): void {
    if (e.kind === 'overflow') {
      this.#log.debug({ dropped: e.dropped }, 'dropped an over-long line from the modem');
      return;
    }
    if (e.kind === 'block') {
      this.#active?.onBlock(e.bytes);
      return;
    }
    if (isUnsolicited(e.text)) {
      this.emit('urc', e.text.trim());
      return;
    }
    if (this.#active === undefined) {
      this.#log.debug({ line: show(e.text) }, 'line from the modem with no command outstanding');
      return;
    }
    this.#active.onLine(e.text);
  }

  #shutdown(err: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.off('data', this.#onData);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('close', this.#onEnd);
    // Keep an error listener: an unhandled 'error' on the stream would crash the process.
    this.#stream.off('error', this.#onError);
    this.#stream.on('error', () => {});
    const cause = err instanceof KitError && err.code === 'AT_CLOSED' ? err.cause : err;
    const closedError =
      err instanceof KitError && err.code === 'AT_CLOSED'
        ? err
        : new KitError('AT_CLOSED', err === undefined ? 'the AT channel closed' : 'the modem stream failed', {
            cause,
          });
    this.#failActive?.(closedError);
    this.emit('closed', err);
  }
}

function checked(command: string): string {
  if (/[\r\n]/.test(command))
    throw new TypeError(`an AT command has no CR or LF of its own: ${show(command)}`);
  return command;
}

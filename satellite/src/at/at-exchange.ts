/**
 * The three shapes of AT exchange the 9602/9603 needs (docs/iridium.md §1.1, §1.3, §7.1):
 *
 * - text: `<cmd>\r` → information lines → `OK` or `ERROR`;
 * - prompt (AT+SBDWB): `<cmd>\r` → `READY` → the binary payload → a result digit, then `OK` except
 *   after result 1 (a write timeout has no OK), and result 3 comes instead of READY;
 * - block (AT+SBDRB): `<cmd>\r` → `<len><payload><sum>` → `OK`.
 *
 * Each exchange sees the lines (and the block) that arrive while it is the active one, after the
 * channel has taken out URCs. With echo on, the modem first echoes the command; each exchange skips
 * the first line equal to its own command, so echo on and echo off both work.
 */
import { KitError, show } from '../../../node/src/base/errors.js';
import { parseDigitResult } from './at-responses.js';

export interface ExchangeHooks<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  /** Writes raw bytes to the modem (the prompt exchange's payload). */
  write(bytes: Uint8Array): void;
}

export interface Exchange {
  /** The command as written, without its CR. */
  readonly command: string;
  /** Whether an SBDRB block is to be read at the next line boundary. */
  readonly wantsBlock: boolean;
  onLine(line: string): void;
  onBlock(bytes: Uint8Array): void;
}

/** An AT_ERROR that carries the modem's numeric result (SBDWB's 1, 2, 3; SBDD's 1). */
export class AtResultError extends KitError {
  readonly result: number;

  constructor(result: number, message: string) {
    super('AT_ERROR', message);
    this.result = result;
  }
}

abstract class EchoSkipping {
  #echoSeen = false;

  constructor(readonly command: string) {}

  /** True (and consumed) if the line is this command's echo. */
  protected isEcho(line: string): boolean {
    if (this.#echoSeen || line.trim().toUpperCase() !== this.command.toUpperCase()) return false;
    this.#echoSeen = true;
    return true;
  }

  protected errorLine(line: string): KitError {
    return new KitError('AT_ERROR', `${this.command} answered ${show(line)}`);
  }
}

export interface TextExchangeOptions {
  /**
   * Also accept the numeric result codes `0` (OK) and `4` (ERROR), for the first commands after
   * power-up when the modem may have been left in ATV0 (§1.1). Never on commands whose answer is a
   * digit line (SBDD, SBDWB).
   */
  numericResults?: boolean;
}

export class TextExchange extends EchoSkipping implements Exchange {
  readonly wantsBlock = false;
  readonly #lines: string[] = [];
  readonly #hooks: ExchangeHooks<string[]>;
  readonly #numeric: boolean;

  constructor(command: string, hooks: ExchangeHooks<string[]>, options: TextExchangeOptions = {}) {
    super(command);
    this.#hooks = hooks;
    this.#numeric = options.numericResults ?? false;
  }

  onLine(line: string): void {
    if (this.isEcho(line)) return;
    const t = line.trim();
    if (t === 'OK' || (this.#numeric && t === '0')) this.#hooks.resolve(this.#lines);
    else if (t === 'ERROR' || (this.#numeric && t === '4')) this.#hooks.reject(this.errorLine(line));
    else this.#lines.push(line);
  }

  onBlock(): void {
    // Never asked for; the reader only reads blocks for a BlockExchange.
  }
}

export class PromptExchange extends EchoSkipping implements Exchange {
  readonly wantsBlock = false;
  readonly #payload: Uint8Array;
  readonly #hooks: ExchangeHooks<number>;
  #state: 'ready' | 'result' | 'ok' = 'ready';
  #result = -1;

  /** `payload` is written after READY exactly as given (the caller appends the checksum). */
  constructor(command: string, payload: Uint8Array, hooks: ExchangeHooks<number>) {
    super(command);
    this.#payload = payload;
    this.#hooks = hooks;
  }

  onLine(line: string): void {
    if (this.isEcho(line)) return;
    const t = line.trim();
    if (t === 'ERROR') {
      this.#hooks.reject(this.errorLine(line));
      return;
    }
    if (this.#state === 'ok') {
      if (t === 'OK') this.#hooks.resolve(this.#result);
      return;
    }
    if (this.#state === 'ready' && t === 'READY') {
      this.#state = 'result';
      this.#hooks.write(this.#payload);
      return;
    }
    const digit = parseDigitResult(t);
    if (digit !== undefined) {
      // Result 1 (the modem's 60 s write timeout) is the one result not followed by OK (§1.3).
      if (digit === 1) this.#hooks.resolve(1);
      else {
        this.#result = digit;
        this.#state = 'ok';
      }
      return;
    }
    if (t === 'OK') {
      this.#hooks.reject(new KitError('AT_MALFORMED', `${this.command} answered OK without a result code`));
    }
    // Anything else (noise) is ignored; a missing READY or result ends in the command's timeout.
  }

  onBlock(): void {}
}

export class BlockExchange extends EchoSkipping implements Exchange {
  #block: Uint8Array | undefined;
  readonly #hooks: ExchangeHooks<Uint8Array>;

  constructor(command: string, hooks: ExchangeHooks<Uint8Array>) {
    super(command);
    this.#hooks = hooks;
  }

  get wantsBlock(): boolean {
    return this.#block === undefined;
  }

  onLine(line: string): void {
    if (this.isEcho(line)) return;
    const t = line.trim();
    if (t === 'ERROR') this.#hooks.reject(this.errorLine(line));
    else if (t === 'OK') {
      if (this.#block === undefined) {
        this.#hooks.reject(
          new KitError('AT_MALFORMED', `${this.command} answered OK without a binary block`),
        );
      } else this.#hooks.resolve(this.#block);
    }
  }

  onBlock(bytes: Uint8Array): void {
    this.#block ??= bytes;
  }
}

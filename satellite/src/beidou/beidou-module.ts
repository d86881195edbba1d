/**
 * The BeiDou short-message module driver (docs/beidou.md §The driver): speaks either module
 * protocol over a byte stream, finds out which one by asking, reads the card, asks for the beam
 * report, sends one message at a time and reads its result, and hands on what the module receives.
 *
 * It reports and does not retry or schedule (docs/conventions.md §Adapters): `send()` writes one
 * message and resolves with the module's answer, or `no-result` when none came in time; when to
 * send is the link's (beidou-link.ts). The byte stream is given (a SerialPort at 115200 8N1 in the
 * daemon, a simulator in tests); timeouts run on the given clock.
 *
 * - Detection (`protocol: 'auto'`): `$CCICR` first (BeiDou-3), then `$CCICA` (BeiDou-2 2.1), each
 *   asked `queryAttempts` times, `queryTimeoutMs` apart; the first protocol answered is kept. A
 *   module that answers neither is BEIDOU_NO_ANSWER.
 * - The beam report (`$BDPWI`, `$BDBSI`) is asked for with `$CCRMO` and read whenever it comes;
 *   each report is a `beam` event. Other talkers (RNSS `$GN…` position sentences) are ignored.
 * - A line with a wrong checksum, a torn sentence or a malformed field is a `bad` event and is
 *   otherwise skipped: nothing a module writes can throw out of here.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { isKitError, KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { type Clock, systemClock } from '../../../node/src/link/clock.js';
import {
  BD3_BEAM_OUTPUT,
  BD3_CARD_QUERY,
  type Bd3SendOptions,
  bd3Send,
  type PwiOptions,
  parseBd3Beams,
  parseBd3Card,
  parseBd3Message,
  parseBd3Result,
} from './bd3-sentences.js';
import {
  BD21_BEAM_OUTPUT,
  BD21_CARD_QUERY,
  type Bd21ResultOptions,
  type Bd21SendOptions,
  type BsiOptions,
  bd21Send,
  parseBd21Beams,
  parseBd21Card,
  parseBd21Message,
  parseBd21Result,
} from './bd21-sentences.js';
import type {
  BeamStatus,
  BeidouProtocol,
  CardInfo,
  InboundMessage,
  TransmitVerdict,
} from './beidou-types.js';
import { encodeSentence, type Sentence, sentenceText } from './sentence.js';
import { SentenceReader } from './sentence-reader.js';
import './beidou-errors.js';

/** What a send came to: the module's answer, or none in time (whether it went is unknown). */
export type SendResult = TransmitVerdict | { kind: 'no-result' };

export interface BeidouModuleOptions {
  /** An open byte stream to the module: a SerialPort (115200 baud, 8N1) or a simulator's end. */
  port: Duplex;
  /** Which protocol the module speaks; `auto` asks. Default `auto`. */
  protocol?: 'auto' | BeidouProtocol;
  /** Timeouts run on it. Default the system clock. */
  clock?: Clock;
  log?: Logger;
  /** How long one card query waits for its answer, ms. Default 2_000. */
  queryTimeoutMs?: number;
  /** How many times each protocol's card query is asked. Default 2. */
  queryAttempts?: number;
  /** How long a send waits for `$BDFKI`, ms (drivers wait 2–15 s). Default 20_000. */
  resultTimeoutMs?: number;
  /** Ask for the beam report at start (`$CCRMO`). Default true. */
  beamOutput?: boolean;
  /** BeiDou-3 send options and beam threshold. */
  bd3?: Bd3SendOptions & PwiOptions;
  /** BeiDou-2 send and result options and beam threshold. */
  bd21?: Bd21SendOptions & BsiOptions & Bd21ResultOptions;
  /** Longest sentence read, bytes. Default the reader's (8192). */
  maxSentenceLength?: number;
}

export interface BeidouModuleEvents {
  /** A short message the module received. */
  message: [InboundMessage];
  /** Each beam report. */
  beam: [BeamStatus];
  /** The byte stream ended or failed; the driver is unusable until a new one is made. */
  closed: [Error | undefined];
  /** A line that could not be read (wrong checksum, torn, malformed), as text. */
  bad: [string];
}

interface Waiter {
  accept(s: Sentence): boolean;
  resolve(s: Sentence | undefined): void;
}

const SEND_NAMES: Readonly<Record<BeidouProtocol, string>> = { bd3: 'TCQ', bd21: 'TXA' };

export class BeidouModule extends EventEmitter<BeidouModuleEvents> {
  readonly #port: Duplex;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #o: BeidouModuleOptions;
  readonly #reader: SentenceReader;
  readonly #waiters = new Set<Waiter>();
  #protocol: BeidouProtocol | undefined;
  #card: CardInfo | undefined;
  #beam: BeamStatus | undefined;
  #heardAt: number | undefined;
  #talkedAt: number | undefined;
  #closed: Error | undefined | null = null;
  /** One send at a time: the module answers `$BDFKI` for the last one only. */
  #sending: Promise<unknown> = Promise.resolve();
  readonly #onData = (chunk: Buffer) => this.#reader.push(chunk);
  readonly #onEnd = () => this.#end(undefined);
  readonly #onError = (err: Error) => this.#end(err);

  constructor(options: BeidouModuleOptions) {
    super();
    this.#o = options;
    this.#port = options.port;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLogger;
    this.#reader = new SentenceReader(
      (e) => {
        if (e.kind === 'sentence') this.#sentence(e.sentence, e.line);
        else if (e.kind === 'bad') this.#bad(`${e.error.message}`);
        else if (e.kind === 'overflow') this.#bad(`a sentence of ${e.dropped} bytes was dropped`);
      },
      options.maxSentenceLength === undefined ? {} : { maxSentenceLength: options.maxSentenceLength },
    );
    this.#port.on('data', this.#onData);
    this.#port.on('end', this.#onEnd);
    this.#port.on('close', this.#onEnd);
    this.#port.on('error', this.#onError);
  }

  get protocol(): BeidouProtocol | undefined {
    return this.#protocol;
  }

  /** The card as last read. */
  get card(): CardInfo | undefined {
    return this.#card;
  }

  /** The last beam report, if one came. */
  get beam(): BeamStatus | undefined {
    return this.#beam;
  }

  /** When the module last wrote a good sentence, on the clock; undefined before the first. */
  get heardAt(): number | undefined {
    return this.#heardAt;
  }

  /**
   * When the module's short-message side last wrote a good sentence of its own (talker `BD`: a
   * beam report, a result, a card, a message), on the clock. RNSS sentences (`$GN…`) do not count:
   * a combined module that reset goes on writing its position, but its beam report stays off
   * until it is asked for again (docs/beidou.md §A module that resets).
   */
  get talkedAt(): number | undefined {
    return this.#talkedAt;
  }

  /** Whether the stream has ended. */
  get isClosed(): boolean {
    return this.#closed !== null;
  }

  /**
   * Finds the protocol (unless configured), reads the card and asks for the beam report. Rejects
   * with BEIDOU_NO_ANSWER when the module answers no card query, BEIDOU_CLOSED when the stream
   * ends, or the signal's reason.
   */
  async start(signal?: AbortSignal): Promise<CardInfo> {
    const wanted = this.#o.protocol ?? 'auto';
    const order: BeidouProtocol[] = wanted === 'auto' ? ['bd3', 'bd21'] : [wanted];
    for (const protocol of order) {
      const card = await this.#askCard(protocol, signal);
      if (card === undefined) continue;
      this.#protocol = protocol;
      this.#card = card;
      this.askBeamReports();
      return card;
    }
    const asked = order.map((p) => (p === 'bd3' ? '$CCICR' : '$CCICA')).join(' nor ');
    throw new KitError(
      'BEIDOU_NO_ANSWER',
      `the module answered neither ${asked}: check the port, that the module is powered, and its baud rate (115200)`,
    );
  }

  /**
   * Asks for the periodic beam report (`$CCRMO`), unless `beamOutput` is off; start() does, and the
   * link asks again after a module that fell silent (a reset forgets the setting).
   */
  askBeamReports(): void {
    const protocol = this.#protocol;
    if (protocol === undefined) throw new RangeError('askBeamReports() before start()');
    if (this.#o.beamOutput ?? true) this.#write(protocol === 'bd3' ? BD3_BEAM_OUTPUT : BD21_BEAM_OUTPUT);
  }

  /** Reads the card again (after start()). */
  async readCard(signal?: AbortSignal): Promise<CardInfo | undefined> {
    if (this.#protocol === undefined) throw new RangeError('readCard() before start()');
    const card = await this.#askCard(this.#protocol, signal);
    if (card !== undefined) this.#card = card;
    return card;
  }

  /**
   * Sends one message of `bytes` to `dest` in the protocol's byte mode and waits for its result.
   * Rejects with BEIDOU_CLOSED when the stream ends meanwhile.
   */
  send(dest: string, bytes: Uint8Array): Promise<SendResult> {
    const protocol = this.#protocol;
    if (protocol === undefined) throw new RangeError('send() before start()');
    const run = this.#sending.then(() => this.#send(protocol, dest, bytes));
    this.#sending = run.catch(() => {});
    return run;
  }

  /** Stops reading; does not close the stream (its owner does). */
  async close(): Promise<void> {
    this.#end(undefined, false);
  }

  async #send(protocol: BeidouProtocol, dest: string, bytes: Uint8Array): Promise<SendResult> {
    this.#throwIfClosed();
    const sentence =
      protocol === 'bd3' ? bd3Send(dest, bytes, this.#o.bd3) : bd21Send(dest, bytes, this.#o.bd21);
    const name = SEND_NAMES[protocol];
    const answer = this.#wait(
      (s) => s.name === 'FKI' && this.#resultOf(protocol, s)?.command === name,
      this.#o.resultTimeoutMs ?? 20_000,
    );
    this.#write(sentence);
    const fki = await answer;
    this.#throwIfClosed();
    if (fki === undefined) return { kind: 'no-result' };
    return (this.#resultOf(protocol, fki) as { verdict: TransmitVerdict }).verdict;
  }

  #resultOf(
    protocol: BeidouProtocol,
    s: Sentence,
  ): { command: string; verdict: TransmitVerdict } | undefined {
    try {
      return protocol === 'bd3' ? parseBd3Result(s) : parseBd21Result(s, this.#o.bd21);
    } catch (err) {
      if (!isKitError(err)) throw err;
      return undefined;
    }
  }

  async #askCard(protocol: BeidouProtocol, signal?: AbortSignal): Promise<CardInfo | undefined> {
    const attempts = this.#o.queryAttempts ?? 2;
    const answerName = protocol === 'bd3' ? 'ICP' : 'ICI';
    for (let i = 0; i < attempts; i++) {
      signal?.throwIfAborted();
      this.#throwIfClosed();
      const answer = this.#wait(
        (s) => s.name === answerName && this.#cardOf(s) !== undefined,
        this.#o.queryTimeoutMs ?? 2_000,
        signal,
      );
      this.#write(protocol === 'bd3' ? BD3_CARD_QUERY : BD21_CARD_QUERY);
      const s = await answer;
      signal?.throwIfAborted();
      this.#throwIfClosed();
      if (s !== undefined) return this.#cardOf(s);
    }
    return undefined;
  }

  #cardOf(s: Sentence): CardInfo | undefined {
    try {
      return s.name === 'ICP' ? parseBd3Card(s) : parseBd21Card(s);
    } catch (err) {
      if (!isKitError(err)) throw err;
      this.#bad(err.message);
      return undefined;
    }
  }

  /** Resolves with the first sentence `accept` takes, or undefined after `ms` (or on close). */
  #wait(accept: (s: Sentence) => boolean, ms: number, signal?: AbortSignal): Promise<Sentence | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        accept,
        resolve: (s) => {
          this.#waiters.delete(waiter);
          timer.cancel();
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
      };
      const onAbort = () => waiter.resolve(undefined);
      const timer = this.#clock.after(ms, () => waiter.resolve(undefined));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  #write(s: Sentence): void {
    this.#throwIfClosed();
    this.#log.debug({ tx: escaped(sentenceText(s)) }, 'to module');
    this.#port.write(encodeSentence(s));
  }

  #sentence(s: Sentence, line: string): void {
    this.#heardAt = this.#clock.now();
    if (s.talker !== 'BD') return; // RNSS ($GN…, $GP…) and anything else: not ours
    this.#talkedAt = this.#heardAt;
    this.#log.debug({ rx: escaped(line) }, 'from module');
    for (const w of [...this.#waiters]) {
      if (w.accept(s)) {
        w.resolve(s);
        return;
      }
    }
    try {
      this.#unsolicited(s);
    } catch (err) {
      if (!isKitError(err)) throw err;
      this.#bad(err.message);
    }
  }

  #unsolicited(s: Sentence): void {
    switch (s.name) {
      case 'TCI':
        this.emit('message', parseBd3Message(s));
        return;
      case 'TXR':
        this.emit('message', parseBd21Message(s));
        return;
      case 'PWI':
        this.#beamReport(parseBd3Beams(s, this.#o.bd3));
        return;
      case 'BSI':
        this.#beamReport(parseBd21Beams(s, this.#o.bd21));
        return;
      case 'ICP':
      case 'ICI':
        this.#card = this.#cardOf(s) ?? this.#card;
        return;
      default:
      // Results of commands we did not send, and sentences fieldnode does not use.
    }
  }

  #beamReport(beam: BeamStatus): void {
    this.#beam = beam;
    this.emit('beam', beam);
  }

  #bad(what: string): void {
    this.#log.debug({ what }, 'unreadable line from the module');
    this.emit('bad', what);
  }

  #throwIfClosed(): void {
    if (this.#closed !== null)
      throw new KitError('BEIDOU_CLOSED', 'the module’s stream has ended', { cause: this.#closed });
  }

  #end(err: Error | undefined, emit = true): void {
    if (this.#closed !== null) return;
    this.#closed = err;
    this.#port.off('data', this.#onData);
    this.#port.off('end', this.#onEnd);
    this.#port.off('close', this.#onEnd);
    this.#port.off('error', this.#onError);
    // A late error from the stream must not become an unhandled 'error' event.
    this.#port.on('error', () => {});
    for (const w of [...this.#waiters]) w.resolve(undefined);
    if (emit) this.emit('closed', err);
  }
}

/** Serial traffic in a log line: CR and LF escaped (docs/conventions.md §Logging). */
function escaped(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

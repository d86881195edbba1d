/**
 * The Iridium 9602/9603 (RockBLOCK) driver: SbdModem over an AT channel (docs/iridium.md
 * §1.1 link basics, §1.3 commands, §1.5 time, §7.1 modem driver).
 *
 * It reports and does not retry: each method is one AT exchange, a failure is a KitError with a
 * stable code, and the link (sbd-link.ts) decides what to do about it. The byte stream is given
 * (a SerialPort at 19200 8N1 in the daemon, a simulator in tests), so nothing here opens devices.
 *
 * Commands that only inform (INFORMING below) are optional (§7.1 "Required and optional
 * commands"): emulators and some firmware answer ERROR to AT+CGMR, AT+CSQ or AT-MSSTM and still
 * write, send and receive. Such a refusal is an absent answer, not a failure: the driver emits
 * `refused` once and never sends that command again. Every other command is required.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKitError, KitError, show } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { AtChannel } from '../at/at-channel.js';
import { AtResultError } from '../at/at-exchange.js';
import {
  findImei,
  isSbdixLine,
  parseCiev,
  parseCsq,
  parseDigitResult,
  parseMsstm,
  parseSbdix,
} from '../at/at-responses.js';
import { msstmToUnixMs } from '../at/iridium-time.js';
import { decodeSbdrbBlock, withChecksum } from '../at/sbd-checksum.js';
import type { ModemInfo, SbdModem, SbdModemEvents, SbdSessionResult } from './sbd-modem.js';

export { classifyMoStatus } from './mo-status.js';

export interface ModemDriverOptions {
  /** An open byte stream to the modem: a SerialPort (19200 baud, 8N1) or a simulator's end. */
  port: Duplex;
  log?: Logger;
  /** Leave the modem's echo on (ATE1) rather than turning it off (ATE0); either works. Default false. */
  echo?: boolean;
  /**
   * AT+SBDMTA=1: SBDRING when an MT message is waiting. Default false, the RockBLOCK default: ring
   * alerts need the modem powered and listening (40–50 mA idle, §7.3).
   */
  ringAlerts?: boolean;
  /** AT+CIER=1,1,1: `signal` and `service` events from +CIEV. Default true. */
  indicatorEvents?: boolean;
  /**
   * AT+SBDST=<s>: the modem ends a session that takes longer with MO status 17 instead of
   * hanging (§1.3, §7.1). Must be below `sessionTimeoutMs`. Default: not sent.
   */
  sbdSessionTimeoutS?: number;
  /** How long to poll AT after power-up, ms (the RockBLOCK supercap charges first). Default 120_000. */
  powerUpTimeoutMs?: number;
  /** Wait between AT polls, ms. Default 1_000. */
  pollIntervalMs?: number;
  /** Timeout of one AT poll, ms. Default 1_000. */
  pollTimeoutMs?: number;
  /** Timeout of ordinary commands, ms. Default 5_000. */
  commandTimeoutMs?: number;
  /** Timeout of AT+CSQ, which waits for a fresh reading (Rock7: ~20 s), ms. Default 30_000. */
  signalTimeoutMs?: number;
  /** Timeout of AT+SBDIX[A], ms (§7.1: at least 90 s). Default 120_000. */
  sessionTimeoutMs?: number;
  /** Timeout of AT+SBDWB; above the modem's own 60 s so its result 1 can arrive. Default 75_000. */
  writeTimeoutMs?: number;
  /**
   * A last-known-good time, Unix ms, to choose the MSSTM era (§1.5). Default the system clock,
   * but never before 2026 (a clock reset to 1970 would pick the wrong era; docs/time.md).
   */
  referenceTime?: () => number;
}

/** A floor for the default MSSTM reference time: this software did not exist before 2026. */
const NOT_BEFORE_MS = Date.UTC(2026, 0, 1);

/** The commands that only inform, as `refused` names them. */
const INFORMING = ['AT+CIER', 'AT+CGSN', 'AT+CGMR', 'AT+CSQ', 'AT-MSSTM'] as const;
type Informing = (typeof INFORMING)[number];

/** SBDWB results (§1.3). */
const SBDWB_TEXT: Readonly<Record<number, string>> = {
  1: 'write timeout: the modem did not get all the bytes within 60 s',
  2: 'checksum mismatch',
  3: 'size not 1..340',
};

export class ModemDriver extends EventEmitter<SbdModemEvents> implements SbdModem {
  readonly #port: Duplex;
  readonly #channel: AtChannel;
  readonly #log: Logger;
  /** The informing commands this modem answered ERROR to: not sent again. */
  readonly #refused = new Set<Informing>();
  readonly #o: Required<Omit<ModemDriverOptions, 'port' | 'log' | 'sbdSessionTimeoutS'>> & {
    sbdSessionTimeoutS: number | undefined;
  };

  constructor(options: ModemDriverOptions) {
    super();
    this.#port = options.port;
    this.#log = options.log ?? silentLogger;
    this.#o = {
      echo: options.echo ?? false,
      ringAlerts: options.ringAlerts ?? false,
      indicatorEvents: options.indicatorEvents ?? true,
      sbdSessionTimeoutS: options.sbdSessionTimeoutS,
      powerUpTimeoutMs: options.powerUpTimeoutMs ?? 120_000,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      pollTimeoutMs: options.pollTimeoutMs ?? 1_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
      signalTimeoutMs: options.signalTimeoutMs ?? 30_000,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 120_000,
      writeTimeoutMs: options.writeTimeoutMs ?? 75_000,
      // A Pi's clock after a power cut may read 1970, which would pick the oldest era and put
      // every reading decades off; no kit runs this software before it was written.
      referenceTime: options.referenceTime ?? (() => Math.max(Date.now(), NOT_BEFORE_MS)),
    };
    const st = this.#o.sbdSessionTimeoutS;
    if (st !== undefined && (!Number.isInteger(st) || st <= 0 || st * 1000 >= this.#o.sessionTimeoutMs)) {
      throw new RangeError(
        `sbdSessionTimeoutS must be a positive integer below sessionTimeoutMs (${this.#o.sessionTimeoutMs} ms), not ${st}`,
      );
    }
    this.#channel = new AtChannel(this.#port, { timeoutMs: this.#o.commandTimeoutMs, log: this.#log });
    this.#channel.on('urc', (line) => this.#onUrc(line));
    this.#channel.on('closed', (err) => this.emit('closed', err));
  }

  async start(signal?: AbortSignal): Promise<ModemInfo> {
    await this.#pollUntilAlive(signal);
    const run = (command: string, numericResults = false): Promise<string[]> =>
      this.#channel.command(command, { ...(signal ? { signal } : {}), numericResults });
    // Verbose results first: a modem left in ATV0 would answer every later command with a digit.
    await run('ATV1', true);
    await run(this.#o.echo ? 'ATE1' : 'ATE0');
    await run('AT&K0');
    await run('AT&D0');
    await run(`AT+SBDMTA=${this.#o.ringAlerts ? 1 : 0}`);
    if (this.#o.sbdSessionTimeoutS !== undefined) await run(`AT+SBDST=${this.#o.sbdSessionTimeoutS}`);
    if (this.#o.indicatorEvents) await this.#optional('AT+CIER', () => run('AT+CIER=1,1,1'));
    const cgsn = await this.#optional('AT+CGSN', () => run('AT+CGSN'));
    // An answer that is there but holds no IMEI is not a refusal: something else is on the line.
    const imei = cgsn === undefined ? undefined : findImei(cgsn);
    const firmware = (await this.#optional('AT+CGMR', () => run('AT+CGMR')))
      ?.map((l) => l.trim())
      .filter((l) => l.length > 0)
      .join('\n');
    const refused = [...this.#refused];
    this.#log.info(
      { imei, firmware: firmware?.split('\n')[0], ...(refused.length > 0 ? { refused } : {}) },
      'Iridium modem ready',
    );
    return { ...(imei === undefined ? {} : { imei }), ...(firmware === undefined ? {} : { firmware }) };
  }

  async writeMo(payload: Uint8Array): Promise<void> {
    const command = `AT+SBDWB=${payload.length}`;
    // The modem is the judge of the size (1..340): it answers 3 instead of READY otherwise.
    const result = await this.#channel.writeBinary(command, withChecksum(payload), {
      timeoutMs: this.#o.writeTimeoutMs,
    });
    if (result !== 0) {
      throw new AtResultError(result, `${command} gave result ${result}: ${SBDWB_TEXT[result] ?? 'unknown'}`);
    }
  }

  async clearMo(): Promise<void> {
    const lines = await this.#channel.command('AT+SBDD0');
    const result = lines.map(parseDigitResult).find((d) => d !== undefined);
    if (result === undefined) {
      throw new KitError('AT_MALFORMED', `AT+SBDD0 gave no result digit: ${show(lines.join('|'))}`);
    }
    if (result !== 0)
      throw new AtResultError(result, `AT+SBDD0 gave result ${result}: the buffer was not cleared`);
  }

  async session(opts: { answerRing?: boolean } = {}): Promise<SbdSessionResult> {
    const command = opts.answerRing === true ? 'AT+SBDIXA' : 'AT+SBDIX';
    const lines = await this.#channel.command(command, { timeoutMs: this.#o.sessionTimeoutMs });
    const line = lines.find((l) => isSbdixLine(l.trim()));
    if (line === undefined)
      throw new KitError('AT_MALFORMED', `${command} gave no +SBDIX line: ${show(lines.join('|'))}`);
    return parseSbdix(line.trim());
  }

  async readMt(): Promise<Uint8Array> {
    return decodeSbdrbBlock(await this.#channel.readBlock('AT+SBDRB'));
  }

  async signalQuality(): Promise<number | undefined> {
    const lines = await this.#optional('AT+CSQ', () =>
      this.#channel.command('AT+CSQ', { timeoutMs: this.#o.signalTimeoutMs }),
    );
    if (lines === undefined) return undefined;
    const line = lines.find((l) => /^\+CSQF?:/i.test(l.trim()));
    if (line === undefined)
      throw new KitError('AT_MALFORMED', `AT+CSQ gave no +CSQ line: ${show(lines.join('|'))}`);
    return parseCsq(line.trim());
  }

  async networkTime(): Promise<number | undefined> {
    const lines = await this.#optional('AT-MSSTM', () => this.#channel.command('AT-MSSTM'));
    if (lines === undefined) return undefined;
    const line = lines.find((l) => /^-MSSTM:/i.test(l.trim()));
    if (line === undefined)
      throw new KitError('AT_MALFORMED', `AT-MSSTM gave no -MSSTM line: ${show(lines.join('|'))}`);
    const ticks = parseMsstm(line.trim());
    return ticks === undefined ? undefined : msstmToUnixMs(ticks, this.#o.referenceTime());
  }

  async close(): Promise<void> {
    this.#channel.close();
    // A SerialPort must be closed through its binding (destroy() leaves the device open and
    // locked); any other stream is destroyed.
    const port = this.#port as Duplex & {
      close?: (cb: (err?: Error | null) => void) => void;
      isOpen?: boolean;
    };
    if (typeof port.close === 'function') {
      const close = port.close.bind(port);
      if (port.isOpen !== false) await new Promise<void>((resolve) => close(() => resolve()));
      return;
    }
    if (port.destroyed) return;
    await new Promise<void>((resolve) => {
      port.once('close', () => resolve());
      port.destroy();
    });
  }

  /**
   * Runs an informing command: its lines, or undefined if the modem refuses it (ERROR), now or
   * before. A timeout or a closed port is still an error: the modem did not answer at all.
   */
  async #optional(command: Informing, exec: () => Promise<string[]>): Promise<string[] | undefined> {
    if (this.#refused.has(command)) return undefined;
    try {
      return await exec();
    } catch (err) {
      if (!isKitError(err, 'AT_ERROR')) throw err;
      this.#refused.add(command);
      this.#log.debug({ command, err }, 'the modem refused a command that only informs');
      this.emit('refused', command);
      return undefined;
    }
  }

  async #pollUntilAlive(signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + this.#o.powerUpTimeoutMs;
    for (let polls = 1; ; polls++) {
      try {
        await this.#channel.command('AT', {
          timeoutMs: this.#o.pollTimeoutMs,
          numericResults: true,
          ...(signal ? { signal } : {}),
        });
        // A poll that timed out may still be answered late (this OK may be the previous poll's, and
        // this poll's own OK still on its way); taken for the next command's answer, it would shift
        // every answer by one. Lines with no command outstanding are dropped, so a pause longer than
        // the gap between two polls lets such late answers go by.
        if (polls > 1) {
          const pause = 2 * this.#o.pollTimeoutMs + this.#o.pollIntervalMs;
          await sleep(pause, undefined, signal ? { signal } : {});
        }
        return;
      } catch (err) {
        if (!isKitError(err, 'AT_TIMEOUT') && !isKitError(err, 'AT_ERROR')) throw err;
        if (Date.now() + this.#o.pollIntervalMs >= deadline) {
          throw new KitError(
            'AT_TIMEOUT',
            `the modem did not answer AT within ${this.#o.powerUpTimeoutMs} ms`,
            {
              cause: err,
            },
          );
        }
        await sleep(this.#o.pollIntervalMs, undefined, signal ? { signal } : {});
      }
    }
  }

  #onUrc(line: string): void {
    if (line.toUpperCase() === 'SBDRING') {
      this.emit('ring');
      return;
    }
    if (/^\+CIEV:/i.test(line)) {
      try {
        const { indicator, values } = parseCiev(line);
        const v = values[0] as number;
        if (indicator === 0) this.emit('signal', v);
        else if (indicator === 1) this.emit('service', v === 1);
        else this.#log.debug({ line }, 'indicator event');
      } catch (err) {
        this.#log.warn({ err, line: show(line) }, 'malformed +CIEV from the modem');
      }
      return;
    }
    this.#log.warn({ line: show(line) }, 'unsolicited line from the modem');
  }
}

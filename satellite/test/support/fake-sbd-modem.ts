/**
 * A small SbdModem for the link's unit tests: an injected implementation of the
 * modem interface, not a module mock. It keeps what a 9602/9603 keeps (docs/iridium.md §1.3,
 * §7.4 item 5): an MO buffer that survives SBDIX, an MT buffer cleared when a session starts, a
 * MOMSN that advances only on success; it hands sessions to a real IridiumNetwork (the simulated
 * gateway), and it records every command so tests can check the order of §7.1.
 *
 * Radio faults: `radio()` may return an MO status (e.g. 32 no service, 36, 33) for a session that
 * never reaches the gateway; `hang` makes SBDIX time out; `failWrites`, `failClears` and
 * `badMtReads` fail that many of the next SBDWB, SBDD0 and SBDRB.
 */
import { EventEmitter } from 'node:events';
import { KitError } from '../../../node/src/base/errors.js';
import type { Clock } from '../../../node/src/link/clock.js';
import type { IridiumNetwork } from '../../sim/iridium/iridium-network.js';
import type { ModemInfo, SbdModem, SbdModemEvents, SbdSessionResult } from '../../src/modem/sbd-modem.js';

export interface FakeSbdModemOptions {
  network: IridiumNetwork;
  clock: Clock;
  imei?: string;
  /** Duration of one SBDIX on the clock, ms. Default 20,000. */
  sessionMs?: number;
  /** First MOMSN. Default 0. */
  momsn?: number;
}

export class FakeSbdModem extends EventEmitter<SbdModemEvents> implements SbdModem {
  readonly imei: string;
  /** Every command in order: SBDWB=n, SBDD0, SBDIX, SBDIXA, SBDRB, CSQ, MSSTM. */
  readonly calls: string[] = [];
  mo: Uint8Array | undefined;
  mt: Uint8Array | undefined;
  momsn: number;
  radio: (() => number | undefined) | undefined;
  hang = false;
  failWrites = 0;
  failClears = 0;
  badMtReads = 0;
  startError: KitError | undefined;
  started = 0;
  readonly #o: FakeSbdModemOptions;
  #detachRing: (() => void) | undefined;

  constructor(options: FakeSbdModemOptions) {
    super();
    this.#o = options;
    this.imei = options.imei ?? '300434060000001';
    this.momsn = options.momsn ?? 0;
  }

  /** The commands since the last call of this, then forgets them. */
  take(): string[] {
    return this.calls.splice(0);
  }

  async start(): Promise<ModemInfo> {
    this.started++;
    if (this.startError) throw this.startError;
    this.#detachRing?.();
    this.#detachRing = this.#o.network.attachRing(this.imei, () => this.emit('ring'));
    return { imei: this.imei, firmware: 'Call Processor Version: TA19002' };
  }

  async writeMo(payload: Uint8Array): Promise<void> {
    this.calls.push(`SBDWB=${payload.length}`);
    if (this.failWrites > 0) {
      this.failWrites--;
      this.mo = undefined;
      throw new KitError('AT_ERROR', 'AT+SBDWB gave result 2: checksum mismatch');
    }
    this.mo = Uint8Array.from(payload);
  }

  async clearMo(): Promise<void> {
    this.calls.push('SBDD0');
    if (this.failClears > 0) {
      this.failClears--;
      throw new KitError('AT_TIMEOUT', 'no answer to AT+SBDD0');
    }
    this.mo = undefined;
  }

  async session(opts: { answerRing?: boolean } = {}): Promise<SbdSessionResult> {
    this.calls.push(opts.answerRing ? 'SBDIXA' : 'SBDIX');
    this.mt = undefined; // the MT buffer is cleared when a session starts (§1.3)
    await new Promise<void>((resolve) => this.#o.clock.after(this.#o.sessionMs ?? 20_000, resolve));
    if (this.hang) throw new KitError('AT_TIMEOUT', 'no answer to AT+SBDIX within 120000 ms');
    const radio = this.radio?.();
    if (radio !== undefined && radio >= 5) {
      return { moStatus: radio, momsn: this.momsn, mtStatus: 2, mtmsn: 0, mtLength: 0, mtQueued: 0 };
    }
    const r = this.#o.network.session({
      imei: this.imei,
      momsn: this.momsn,
      mo: this.mo === undefined ? undefined : Uint8Array.from(this.mo),
      at: this.#o.clock.now(),
    });
    const used = this.momsn;
    if (r.moStatus <= 4) this.momsn = (this.momsn + 1) & 0xffff;
    this.mt = r.mt?.payload;
    return {
      moStatus: r.moStatus,
      momsn: used,
      mtStatus: r.mt ? 1 : 0,
      mtmsn: r.mt?.mtmsn ?? 0,
      mtLength: r.mt?.payload.length ?? 0,
      mtQueued: r.mtQueued,
    };
  }

  async readMt(): Promise<Uint8Array> {
    this.calls.push('SBDRB');
    if (this.badMtReads > 0) {
      this.badMtReads--;
      throw new KitError('SBD_CHECKSUM', 'SBDRB checksum mismatch');
    }
    return Uint8Array.from(this.mt ?? []);
  }

  async signalQuality(): Promise<number> {
    this.calls.push('CSQ');
    return 4;
  }

  async networkTime(): Promise<number | undefined> {
    this.calls.push('MSSTM');
    return Date.UTC(2026, 6, 14);
  }

  async close(): Promise<void> {
    this.#detachRing?.();
    this.#detachRing = undefined;
    this.emit('closed', undefined);
  }
}

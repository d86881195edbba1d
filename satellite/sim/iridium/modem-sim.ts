/**
 * A simulated Iridium 9603 (RockBLOCK) modem on a duplex byte stream, faithful to the checklist of
 * docs/iridium.md §7.4 (items 1–8) and the strings of §1.1–§1.3. The host side is whatever
 * speaks AT to it: the modem driver over createDuplexPair, or a program over a pty (pty-modem.ts).
 *
 * - Echo is on by default (ATE0/ATE1); commands end at CR, a stray LF is ignored, `AT` in any
 *   case; SBDWB's payload is never echoed.
 * - URCs (SBDRING, +CIEV) go out only at a line boundary with nothing half-typed, never inside a
 *   response (so never inside an SBDRB block); while a command runs they wait, +CIEV keeping the
 *   latest value per indicator.
 * - Input that arrives while a command runs (a session, a slow +CSQ) is dropped.
 * - Time is the Clock's: sessions of seconds and the 60 s SBDWB timeout pass in milliseconds on
 *   a sped-up RealClock or when a VirtualClock is advanced.
 *
 * The command table is in modem-sim-commands.ts, the session in modem-sim-session.ts, the sky in
 * modem-sim-sky.ts, fault injection in modem-sim-faults.ts, and modems that lack commands (the
 * `refuses` option) in modem-sim-profiles.ts.
 */
import type { Duplex } from 'node:stream';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { IRIDIUM_ERAS, unixMsToMsstm } from '../../src/at/iridium-time.js';
import { sbdChecksum } from '../../src/at/sbd-checksum.js';
import type { IridiumNetwork } from './iridium-network.js';
import { type CommandHost, resultCode, runCommand } from './modem-sim-commands.js';
import { ModemFaults, type RandomFaultOptions } from './modem-sim-faults.js';
import { type SessionTiming, startSession } from './modem-sim-session.js';
import { constantSky, type Sky } from './modem-sim-sky.js';
import { initialState, type ModemSimState, MomsnStore, powerOnReset } from './modem-sim-state.js';

export interface ModemSimOptions {
  /** The simulation's clock (radio/sim/meshtastic/sim-clock.ts). */
  clock: Clock;
  /** The gateway behind the sky: takes MO messages, hands over MT messages, rings. */
  network: IridiumNetwork;
  /** Default 300534060000001. */
  imei?: string;
  /** The `Call Processor Version` in AT+CGMR. Default TA16005. */
  firmware?: string;
  /** Satellite visibility and signal. Default: always in view with 4 bars. */
  sky?: Sky;
  /** Seed for durations and random faults. Default 1. */
  seed?: number;
  /** Unix ms at simulated time 0 (MSSTM, session times). Default the wall clock at construction. */
  epochMs?: number;
  /** The era MSSTM counts from. Default ERA2 before 2026-01-14 (ERA3's announced start), else ERA3. */
  msstmEpochMs?: number;
  /** MOMSN of the first session when there is no MOMSN file yet. Default 0. */
  momsn?: number;
  /** Keeps the MOMSN across simulator runs, as the modem's NVM does across power cycles. */
  momsnFile?: string;
  /** Echo after power-up. Default true (the 9603's E1). */
  echo?: boolean;
  /** SBDMTA stored in the profile. Default false (RockBLOCK's default). */
  ringAlerts?: boolean;
  /** Session that reaches the gateway, ms. Default [5_000, 20_000]. */
  sessionMs?: readonly [number, number];
  /** Session with no satellite in view, ms. Default [2_000, 8_000]. */
  noServiceMs?: readonly [number, number];
  /** How long a hung session lasts when no SBDST cuts it, ms. Default 600_000. */
  hangMs?: number;
  /** +CSQ latency, ms. Default [500, 2_000] ("usually within two seconds"). */
  csqMs?: readonly [number, number];
  /** SBDWB/SBDWT upload timeout, ms. Default 60_000 (§1.3). */
  writeTimeoutMs?: number;
  /** After construction the modem answers nothing for this long (supercap charging). Default 0. */
  powerUpSilenceMs?: number;
  /** Random faults (scripted ones go through `faults`). */
  faults?: RandomFaultOptions;
  /**
   * Commands this modem does not have: it answers ERROR to them, as an emulator or other firmware
   * would. Written as after `AT`, e.g. `+CGMR`, `-MSSTM`; a command matches with or without `=…`
   * or `?` after it. Default none. modem-sim-profiles.ts names such modems.
   */
  refuses?: readonly string[];
  log?: Logger;
}

type Mode =
  | { kind: 'off' }
  | { kind: 'command' }
  | { kind: 'busy' }
  | { kind: 'binary'; length: number; bytes: number[]; drop: number }
  | { kind: 'text'; bytes: number[] };

const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE = 512;
const ERA3_START_MS = Date.UTC(2026, 0, 14);

export class IridiumModemSim {
  readonly imei: string;
  readonly firmware: string;
  /** Scripted fault injection for the next sessions, uploads, rings and +CSQ readings. */
  readonly faults: ModemFaults;
  /** The modem's state, for tests to look at (buffers, MOMSN, settings). */
  readonly state: ModemSimState;
  readonly #clock: Clock;
  readonly #sky: Sky;
  readonly #random: () => number;
  readonly #timing: SessionTiming;
  readonly #csqMs: readonly [number, number];
  readonly #writeTimeoutMs: number;
  readonly #epochMs: number;
  readonly #msstmEpochMs: number;
  readonly #store: MomsnStore;
  readonly #echoDefault: boolean;
  readonly #network: IridiumNetwork;
  readonly #log: Logger;
  readonly #detachRing: () => void;
  readonly #host: CommandHost;
  readonly #refuses: readonly string[];
  #stream: Duplex | undefined;
  #mode: Mode = { kind: 'command' };
  #line: number[] = [];
  #urcs: string[] = [];
  #timer: Timer | undefined;
  #watch: Timer | undefined;
  #reported = { signal: -1, service: -1 };
  #closed = false;

  readonly #onData = (chunk: Buffer): void => {
    for (const b of chunk) this.#onByte(b);
  };

  constructor(options: ModemSimOptions) {
    this.imei = options.imei ?? '300534060000001';
    this.firmware = options.firmware ?? 'TA16005';
    this.#clock = options.clock;
    this.#network = options.network;
    this.#sky = options.sky ?? constantSky(4);
    this.#random = seededRandom(options.seed ?? 1);
    this.faults = new ModemFaults(seededRandom((options.seed ?? 1) + 0x5eed), options.faults);
    this.#timing = {
      sessionMs: options.sessionMs ?? [5_000, 20_000],
      noServiceMs: options.noServiceMs ?? [2_000, 8_000],
      hangMs: options.hangMs ?? 600_000,
    };
    this.#csqMs = options.csqMs ?? [500, 2_000];
    this.#writeTimeoutMs = options.writeTimeoutMs ?? 60_000;
    this.#epochMs = options.epochMs ?? Date.now();
    const era = (n: number): number => IRIDIUM_ERAS[n]?.epochMs ?? 0;
    this.#msstmEpochMs = options.msstmEpochMs ?? (this.#epochMs < ERA3_START_MS ? era(2) : era(3));
    if (this.#epochMs < this.#msstmEpochMs) {
      throw new RangeError(`epochMs ${this.#epochMs} is before the MSSTM era's epoch ${this.#msstmEpochMs}`);
    }
    this.#store = new MomsnStore(options.momsnFile);
    this.#echoDefault = options.echo ?? true;
    this.#log = options.log ?? silentLogger;
    this.#refuses = (options.refuses ?? []).map((c) => c.toUpperCase());
    this.state = initialState({
      echo: this.#echoDefault,
      ringAlerts: options.ringAlerts ?? false,
      momsn: this.#store.load(options.momsn ?? 0),
    });
    this.#host = this.#makeHost();
    this.#detachRing = this.#network.attachRing(this.imei, () => this.#onRing());
    if ((options.powerUpSilenceMs ?? 0) > 0) this.#silence(options.powerUpSilenceMs ?? 0);
  }

  /** Connects the modem's serial side to a stream (one at a time). */
  attach(stream: Duplex): void {
    if (this.#stream !== undefined) throw new Error('the modem simulator is already attached to a stream');
    this.#stream = stream;
    stream.on('data', this.#onData);
  }

  detach(): void {
    this.#stream?.off('data', this.#onData);
    this.#stream = undefined;
  }

  /** True while a command runs or an upload is awaited (input is then not read as commands). */
  get busy(): boolean {
    return this.#mode.kind !== 'command';
  }

  /**
   * Power off and on: buffers and volatile settings are lost, the MOMSN and the stored profile
   * stay, and the modem answers nothing for `silenceMs` (default 0).
   */
  powerCycle(options: { silenceMs?: number } = {}): void {
    this.#timer?.cancel();
    this.#watch?.cancel();
    powerOnReset(this.state, this.#echoDefault);
    this.#line = [];
    this.#urcs = [];
    this.#reported = { signal: -1, service: -1 };
    this.#mode = { kind: 'command' };
    if ((options.silenceMs ?? 0) > 0) this.#silence(options.silenceMs ?? 0);
  }

  /** Stops the simulator: no more timers, rings or output. */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#watch?.cancel();
    this.#detachRing();
    this.detach();
    this.#mode = { kind: 'off' };
  }

  #silence(ms: number): void {
    this.#mode = { kind: 'off' };
    this.#timer = this.#clock.after(ms, () => {
      if (!this.#closed) this.#mode = { kind: 'command' };
    });
  }

  #send(out: string | Uint8Array): void {
    if (this.#stream === undefined || this.#stream.destroyed) return;
    this.#stream.write(typeof out === 'string' ? Buffer.from(out, 'latin1') : out);
  }

  #onByte(b: number): void {
    const mode = this.#mode;
    switch (mode.kind) {
      case 'off':
      case 'busy':
        return;
      case 'binary':
        if (mode.drop > 0) mode.drop--;
        else {
          mode.bytes.push(b);
          if (mode.bytes.length === mode.length + 2) this.#endSbdwb(mode.bytes, mode.length);
        }
        return;
      case 'text':
        if (b === CR) {
          this.state.mo = Uint8Array.from(mode.bytes);
          this.#finish(`0\r\n${resultCode(this.state, true)}`);
        } else if (b !== LF && mode.bytes.length < 340) mode.bytes.push(b);
        return;
      case 'command':
        if (b === LF) return;
        if (this.state.echo) this.#send(Uint8Array.of(b));
        if (b !== CR) {
          if (this.#line.length < MAX_LINE) this.#line.push(b);
          return;
        }
        this.#dispatch(Buffer.from(this.#line).toString('latin1'));
        return;
    }
  }

  #dispatch(line: string): void {
    this.#line = [];
    if (line.trim() === '') {
      this.#flushUrcs();
      return;
    }
    this.#log.debug({ line }, 'modem sim command');
    this.#mode = { kind: 'busy' };
    runCommand(this.#host, line);
  }

  #finish(out: string | Uint8Array): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#send(out);
    this.#mode = { kind: 'command' };
    this.#flushUrcs();
  }

  #endSbdwb(bytes: number[], length: number): void {
    const payload = Uint8Array.from(bytes.slice(0, length));
    const sum = ((bytes[length] as number) << 8) | (bytes[length + 1] as number);
    if (sbdChecksum(payload) !== sum) {
      this.#finish(`2\r\n${resultCode(this.state, true)}`);
      return;
    }
    this.state.mo = payload;
    this.#finish(`0\r\n${resultCode(this.state, true)}`);
  }

  #urc(line: string): void {
    if (this.#closed || this.#mode.kind === 'off') return;
    if (line.startsWith('+CIEV:')) {
      const indicator = line.slice(0, line.indexOf(',') + 1);
      this.#urcs = this.#urcs.filter((u) => !u.startsWith(indicator));
    } else if (this.#urcs.includes(line)) return;
    this.#urcs.push(line);
    this.#flushUrcs();
  }

  #flushUrcs(): void {
    if (this.#mode.kind !== 'command' || this.#line.length > 0 || this.#urcs.length === 0) return;
    const out = this.#urcs.map((u) => `${u}\r\n`).join('');
    this.#urcs = [];
    this.#send(out);
  }

  #onRing(): void {
    if (this.#closed || this.#mode.kind === 'off') return;
    // A ring alert is a broadcast from a satellite: out of view, or lost, it is simply not heard.
    if (this.#sky.signalAt(this.#clock.now()) === 0 || this.faults.takeRingLoss()) return;
    this.state.raFlag = true;
    this.state.sbdRing = true;
    if (this.state.ringAlerts) this.#urc('SBDRING');
  }

  #reportIndicators(): void {
    const c = this.state.cier;
    if (c.mode !== 1) {
      this.#watch?.cancel();
      return;
    }
    const signal = this.#sky.signalAt(this.#clock.now());
    if (c.signal) this.#urc(`+CIEV:0,${signal}`);
    if (c.service) this.#urc(`+CIEV:1,${signal > 0 ? 1 : 0}`);
    if (c.antenna) this.#urc('+CIEV:2,0');
    this.#reported = { signal, service: signal > 0 ? 1 : 0 };
    this.#watchSky();
  }

  /** +CIEV on every change of the sky while AT+CIER asks for it. */
  #watchSky(): void {
    this.#watch?.cancel();
    const c = this.state.cier;
    if (this.#closed || c.mode !== 1 || (!c.signal && !c.service)) return;
    const now = this.#clock.now();
    const next = this.#sky.nextChangeAfter(now);
    if (next === undefined) return;
    this.#watch = this.#clock.after(next - now, () => {
      if (this.#closed || this.state.cier !== c) return;
      const signal = this.#sky.signalAt(this.#clock.now());
      const service = signal > 0 ? 1 : 0;
      if (c.signal && signal !== this.#reported.signal) this.#urc(`+CIEV:0,${signal}`);
      if (c.service && service !== this.#reported.service) this.#urc(`+CIEV:1,${service}`);
      this.#reported = { signal, service };
      this.#watchSky();
    });
  }

  #makeHost(): CommandHost {
    const within = ([lo, hi]: readonly [number, number]): number => lo + this.#random() * (hi - lo);
    return {
      state: this.state,
      imei: this.imei,
      firmware: this.firmware,
      refuses: (body) =>
        this.#refuses.some((c) => body === c || (body.startsWith(c) && /^[=?]/.test(body.slice(c.length)))),
      finish: (out) => this.#finish(out),
      busyFor: (ms, then) => {
        this.#mode = { kind: 'busy' };
        this.#timer = this.#clock.after(ms, then);
      },
      beginSbdwb: (length) => {
        this.#send('READY\r\n');
        this.#mode = { kind: 'binary', length, bytes: [], drop: this.faults.takeSbdwbDrop() };
        // Too few bytes within 60 s: result 1, with no OK after it (§1.3).
        this.#timer = this.#clock.after(this.#writeTimeoutMs, () => this.#finish('1\r\n'));
      },
      beginSbdwt: () => {
        this.#send('READY\r\n');
        this.#mode = { kind: 'text', bytes: [] };
        this.#timer = this.#clock.after(this.#writeTimeoutMs, () =>
          this.#finish(`1\r\n${resultCode(this.state, true)}`),
        );
      },
      beginSession: () => {
        this.#mode = { kind: 'busy' };
        this.#timer = startSession(
          {
            clock: this.#clock,
            network: this.#network,
            imei: this.imei,
            sky: this.#sky,
            faults: this.faults,
            random: this.#random,
            timing: this.#timing,
            epochMs: this.#epochMs,
            state: this.state,
            saveMomsn: () => this.#store.save(this.state.momsn),
          },
          (line) => this.#finish(`\r\n${line}\r\n${resultCode(this.state, true)}`),
        );
      },
      csqDelayMs: () => this.faults.takeCsqDelay() ?? within(this.#csqMs),
      signalNow: () => this.#sky.signalAt(this.#clock.now()),
      msstmNow: () => {
        const now = this.#clock.now();
        if (this.#sky.signalAt(now) === 0) return 'no network service';
        return unixMsToMsstm(this.#epochMs + now, this.#msstmEpochMs).toString(16);
      },
      reportIndicators: () => this.#reportIndicators(),
      saveMomsn: () => this.#store.save(this.state.momsn),
      powerDown: () => {
        this.#timer?.cancel();
        this.#watch?.cancel();
        this.#mode = { kind: 'off' };
      },
    };
  }
}

/**
 * What a simulated Meshtastic device writes to its host stream (docs/meshtastic.md §1.1,
 * §1.3, §1.7): frames (`StreamAPI::emitTxBuffer`), with the serial faults when configured, and the
 * firmware's log lines (`SerialConsole::log_to_serial`): plain text, or a framed `log_record` once
 * the port speaks protobufs and `debug_log_api_enabled` is set; nothing on TCP. With no host
 * stream the bytes are lost, as a UART's are when nobody reads it.
 */
import type { Duplex } from 'node:stream';
import { encodeFromRadio, type FromRadio } from '../../src/meshtastic/codec.js';
import { encodeStreamFrame } from '../../src/meshtastic/framing.js';
import {
  applySerialFaults,
  formatLogLine,
  logRecord,
  PERIODIC_LINE,
  type SerialFaultOptions,
} from './console-text.js';
import type { DeviceLogLevel } from './phone-api-host.js';

export interface DebugTextOptions {
  /** Print a periodic status line every so many simulated ms; 0 for none. Default 0. */
  periodicMs?: number;
  /** ANSI colour around the level, as the firmware prints on hardware. Default true. */
  colour?: boolean;
}

export interface DeviceOutputOptions {
  /** A serial port (text, faults) rather than a TCP socket. */
  serial: boolean;
  /** Undefined: the firmware prints nothing. */
  debug: Required<DebugTextOptions> | undefined;
  faults: SerialFaultOptions | undefined;
  debugLogApiEnabled: boolean;
  random: () => number;
  uptimeMs: () => number;
  /** Unix seconds, 0 without a valid time. */
  rtcSec: () => number;
}

export class DeviceOutput {
  /** The host stream, if one is attached. */
  stream: Duplex | undefined;
  /** SerialConsole `usingProtobufs`: set by the first complete frame from the host. */
  usingProtobufs = false;
  readonly #o: DeviceOutputOptions;

  constructor(options: DeviceOutputOptions) {
    this.#o = options;
  }

  frame(m: FromRadio): void {
    let bytes = encodeStreamFrame(encodeFromRadio(m));
    if (this.#o.faults !== undefined && this.#o.serial) {
      bytes = applySerialFaults(bytes, this.#o.faults, this.#o.random, () => this.#line(...PERIODIC_LINE));
    }
    this.write(bytes);
  }

  /** One firmware log line, where the firmware would put it. */
  log(level: DeviceLogLevel, thread: string, message: string): void {
    if (this.#o.debug === undefined || !this.#o.serial) return;
    if (this.usingProtobufs && this.#o.debugLogApiEnabled) {
      this.frame(logRecord(level, thread, message, this.#o.rtcSec()));
    } else {
      this.write(Buffer.from(this.#line(level, thread, message), 'utf8'));
    }
  }

  write(bytes: Uint8Array): void {
    const s = this.stream;
    if (s === undefined || s.destroyed || !s.writable) return;
    s.write(bytes);
  }

  #line(level: DeviceLogLevel, thread: string, message: string): string {
    return formatLogLine(level, thread, message, {
      uptimeMs: this.#o.uptimeMs(),
      rtcSec: this.#o.rtcSec(),
      colour: this.#o.debug?.colour ?? true,
    });
  }
}

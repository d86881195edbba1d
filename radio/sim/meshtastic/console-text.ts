/**
 * What a Meshtastic device prints on its serial console (docs/meshtastic.md §1.3): log lines
 * in the firmware's `RedirectablePrint::log_to_serial` layout, `LEVEL | hh:mm:ss uptime [Thread]
 * message\r\n` (with ANSI colour around the level on hardware, "??:??:??" without a valid time),
 * the same as a framed `FromRadio.log_record` when `debug_log_api_enabled`, boot text, and the
 * serial faults of firmware#10975: text inside a frame and frames torn by a short write.
 */
import { create, type FromRadio, Schemas } from '../../src/meshtastic/codec.js';
import { HEADER_LEN, LogLevel } from '../../src/meshtastic/constants.js';
import type { DeviceLogLevel } from './phone-api-host.js';

/** `MESHTASTIC_LOG_LEVEL_*` (DebugConfiguration.h): five characters, padded. */
const LEVEL_TEXT: Record<DeviceLogLevel, string> = {
  DEBUG: 'DEBUG',
  INFO: 'INFO ',
  WARN: 'WARN ',
  ERROR: 'ERROR',
};
const LEVEL_COLOUR: Record<DeviceLogLevel, string> = {
  DEBUG: '\u001b[34m',
  INFO: '\u001b[32m',
  WARN: '\u001b[33m',
  ERROR: '\u001b[31m',
};
const LEVEL_RECORD: Record<DeviceLogLevel, number> = {
  DEBUG: LogLevel.DEBUG,
  INFO: LogLevel.INFO,
  WARN: LogLevel.WARNING,
  ERROR: LogLevel.ERROR,
};

export interface LogStamp {
  /** Milliseconds since boot (`millis()`). */
  uptimeMs: number;
  /** Unix seconds, or 0 without a valid time. */
  rtcSec: number;
  /** ANSI colour codes, as on hardware. */
  colour: boolean;
}

export function formatLogLine(
  level: DeviceLogLevel,
  thread: string,
  message: string,
  stamp: LogStamp,
): string {
  let hms = '??:??:??';
  if (stamp.rtcSec > 0) {
    const t = stamp.rtcSec % 86400;
    const pad = (n: number): string => String(n).padStart(2, '0');
    hms = `${pad(Math.floor(t / 3600))}:${pad(Math.floor((t % 3600) / 60))}:${pad(t % 60)}`;
  }
  const head = stamp.colour
    ? `${LEVEL_COLOUR[level]}${LEVEL_TEXT[level]} \u001b[0m`
    : `${LEVEL_TEXT[level]} `;
  // SerialConsole::write prefixes every '\n' with '\r'.
  return `${head}| ${hms} ${Math.floor(stamp.uptimeMs / 1000)} [${thread}] ${message}\r\n`;
}

/** `StreamAPI::emitLogRecord`: the message without its trailing newline, source = thread name. */
export function logRecord(level: DeviceLogLevel, thread: string, message: string, rtcSec: number): FromRadio {
  return create(Schemas.FromRadio, {
    payloadVariant: {
      case: 'logRecord',
      value: {
        message: message.slice(0, 383),
        time: rtcSec,
        source: thread.slice(0, 31),
        level: LEVEL_RECORD[level],
      },
    },
  });
}

/** The ROM loader's lines an ESP32 prints at power-on, before the firmware's console starts. */
export const ESP32_ROM_TEXT =
  'ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n';

/** A line the firmware prints every few seconds while idle (the power status). */
export const PERIODIC_LINE: [DeviceLogLevel, string, string] = [
  'DEBUG',
  'Power',
  'Battery: usbPower=1, isCharging=0, batMv=4181, batPct=97',
];

export interface SerialFaultOptions {
  /**
   * Probability (0..1) that a frame carries a debug line inside its declared payload, after the
   * header, as ESP32-S3 USB-CDC does in firmware#10975: the frame's length no longer matches its
   * bytes. Default 0.
   */
  textInsideFrame?: number;
  /**
   * Probability (0..1) that a frame is torn: only a prefix is written (a short HWCDC write), so the
   * next frame's header lands inside this one's declared payload. Default 0.
   */
  tearFrame?: number;
}

/** The bytes a serial port actually carries for one frame, after the configured faults. */
export function applySerialFaults(
  frame: Uint8Array,
  faults: SerialFaultOptions,
  random: () => number,
  textLine: () => string,
): Uint8Array {
  let out = frame;
  if (
    (faults.textInsideFrame ?? 0) > 0 &&
    random() < (faults.textInsideFrame ?? 0) &&
    frame.length > HEADER_LEN
  ) {
    const at = HEADER_LEN + Math.floor(random() * (frame.length - HEADER_LEN));
    out = Uint8Array.from(
      Buffer.concat([frame.subarray(0, at), Buffer.from(textLine(), 'utf8'), frame.subarray(at)]),
    );
  }
  if ((faults.tearFrame ?? 0) > 0 && random() < (faults.tearFrame ?? 0) && out.length > 1) {
    out = out.subarray(0, 1 + Math.floor(random() * (out.length - 1)));
  }
  return out;
}

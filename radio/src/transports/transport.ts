/**
 * How a Meshtastic link reaches its radio (docs/conventions.md §Adapters, "drivers take a byte stream, not a device
 * path"): a transport opens a byte stream to the device and closes it. The link runs its device
 * session over whatever stream it gets, so USB serial, TCP to meshtasticd and an in-process
 * simulator are interchangeable.
 */
import type { Duplex } from 'node:stream';
import type { LinkDownReason } from '../../../node/src/link/link.js';

export interface Transport {
  /** What it connects to, for logs and link state details, e.g. "tcp 127.0.0.1:4403". */
  readonly description: string;
  /**
   * Opens a new byte stream to the device, closing any earlier one first. Rejects with KitError
   * MESH_PORT, the OS error as its cause, when the device cannot be reached; with the signal's
   * reason when `signal` aborts.
   */
  open(signal?: AbortSignal): Promise<Duplex>;
  /** Closes the stream opened last, if it is still open. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** OS error codes that mean "the device is not there (now)" rather than "it is there but failing". */
const ABSENT = new Set([
  'ENOENT',
  'ENODEV',
  'ENXIO',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The OS error code of `err` or of its cause, if any. */
export function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return code;
    // serialport's bindings put the errno text in the message only.
    if (/no such file or directory/i.test(e.message)) return 'ENOENT';
  }
  return undefined;
}

/** The link state reason for a failure to open a transport: 'no-device' or 'port-error'. */
export function openFailureReason(err: unknown): LinkDownReason {
  const code = errorCode(err);
  return code !== undefined && ABSENT.has(code) ? 'no-device' : 'port-error';
}

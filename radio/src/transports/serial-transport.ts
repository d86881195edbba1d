/**
 * USB serial to a Meshtastic radio through the `serialport` package, as a Transport of the
 * Meshtastic link (docs/meshtastic.md §1.2, §1.9, §8.4; docs/links.md §Meshtastic (LoRa mesh)).
 *
 * - 115200 8N1. Native-USB boards (ESP32-S3, nRF52) ignore the rate; USB-UART bridges need it.
 * - `hupcl: false`: with HUPCL on (the Linux default) closing the port drops DTR/RTS, which resets
 *   ESP32 boards with an auto-reset circuit; python clears it for that reason.
 * - An exclusive lock (`lock: true`, like python's `exclusive=True`): two programs reading one
 *   radio each get half of its frames.
 * - Give a `/dev/serial/by-id/...` path: native-USB boards re-enumerate on every reboot and may
 *   come back as another ttyACMn, while the by-id name stays. The link opens it again at its next
 *   start(), which the supervisor makes after its backoff.
 * - A port that vanishes is not always reported by the serialport package: a read pending on a
 *   tty that was hung up can stay pending (seen with pty pairs), and only the next write fails
 *   (EIO). So while open, the path is checked every `presenceCheckMs`; once it is gone (udev
 *   removes the by-id link on unplug) the port is destroyed, which ends the session at once
 *   instead of at the next heartbeat.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { KitError } from '../../../node/src/base/errors.js';
import type { Transport } from './transport.js';

export interface SerialTransportOptions {
  /** The device, preferably `/dev/serial/by-id/usb-…`. */
  path: string;
  /** Default 115200 (`SERIAL_BAUD`). */
  baudRate?: number;
  /** Take an exclusive lock on the port. Default true. */
  lock?: boolean;
  /** How often to check that the path still exists while open, ms; 0 never. Default 1000. */
  presenceCheckMs?: number;
}

export class SerialTransport implements Transport {
  readonly description: string;
  readonly #path: string;
  readonly #baudRate: number;
  readonly #lock: boolean;
  readonly #presenceCheckMs: number;
  #port: SerialPort | undefined;
  #presence: NodeJS.Timeout | undefined;

  constructor(opts: SerialTransportOptions) {
    if (typeof opts.path !== 'string' || opts.path === '') throw new TypeError('path must be a device path');
    this.#path = opts.path;
    this.#baudRate = opts.baudRate ?? 115_200;
    this.#lock = opts.lock ?? true;
    this.#presenceCheckMs = opts.presenceCheckMs ?? 1000;
    this.description = `serial ${opts.path}`;
  }

  async open(signal?: AbortSignal): Promise<Duplex> {
    signal?.throwIfAborted();
    await this.close();
    const port = new SerialPort({
      path: this.#path,
      baudRate: this.#baudRate,
      hupcl: false,
      lock: this.#lock,
      autoOpen: false,
    });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new KitError('MESH_PORT', `cannot open ${this.#path}: ${why}`, { cause: err });
    }
    if (signal?.aborted) {
      await closePort(port);
      throw signal.reason;
    }
    this.#port = port;
    if (this.#presenceCheckMs > 0) this.#watch(port);
    return port;
  }

  async close(): Promise<void> {
    clearInterval(this.#presence);
    const port = this.#port;
    this.#port = undefined;
    if (port !== undefined) await closePort(port);
  }

  #watch(port: SerialPort): void {
    clearInterval(this.#presence);
    const timer = setInterval(() => {
      if (port.destroyed || this.#port !== port) {
        clearInterval(timer);
        return;
      }
      stat(this.#path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT' || port.destroyed) return;
        clearInterval(timer);
        port.destroy(); // 'close': the session ends with port-closed
      });
    }, this.#presenceCheckMs);
    timer.unref();
    this.#presence = timer;
  }
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    // An unplugged port is already closed; close() then fails, which is fine.
    port.on('error', () => {});
    if (!port.isOpen) {
      port.destroy();
      resolve();
      return;
    }
    port.close(() => resolve());
  });
}

/** One serial device found on this machine. */
export interface SerialPortEntry {
  /** The path to configure: the /dev/serial/by-id link when there is one. */
  path: string;
  /** The device node it points at now, e.g. /dev/ttyACM0. */
  device?: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export interface PortListing {
  ports: SerialPortEntry[];
  /** 'udev': SerialPort.list(); 'by-id': the fallback listing of /dev/serial/by-id; 'none': neither worked. */
  source: 'udev' | 'by-id' | 'none';
  /** Why the fallback was used, for people. */
  note?: string;
}

export interface ListPortsOptions {
  /** Default SerialPort.list. */
  list?: () => Promise<Awaited<ReturnType<typeof SerialPort.list>>>;
  /** Default /dev/serial/by-id. */
  byIdDir?: string;
}

const USB_SERIAL = /tty(ACM|USB)/;

/**
 * The serial ports to choose a radio from. SerialPort.list() runs `udevadm`, which containers and
 * minimal images lack (it then fails with "spawn udevadm ENOENT"); the fallback lists the
 * /dev/serial/by-id links udev made, which is also the path to put in the config. USB ids and
 * manufacturers are unknown on that path; `note` says so.
 */
export async function listPorts(opts: ListPortsOptions = {}): Promise<PortListing> {
  const dir = opts.byIdDir ?? '/dev/serial/by-id';
  let listError: unknown;
  try {
    const found = await (opts.list ?? SerialPort.list)();
    const ports = found
      .filter((p) => USB_SERIAL.test(p.path) || p.vendorId !== undefined)
      .map((p): SerialPortEntry => {
        const entry: SerialPortEntry = { path: p.pnpId ? join(dir, p.pnpId) : p.path, device: p.path };
        if (p.manufacturer) entry.manufacturer = p.manufacturer;
        if (p.serialNumber) entry.serialNumber = p.serialNumber;
        if (p.vendorId) entry.vendorId = p.vendorId;
        if (p.productId) entry.productId = p.productId;
        return entry;
      });
    return { ports, source: 'udev' };
  } catch (err) {
    listError = err;
  }
  const why = listError instanceof Error ? listError.message : String(listError);
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return {
      ports: [],
      source: 'none',
      note: `SerialPort.list() failed (${why}) and ${dir} cannot be read (${code}): no USB serial device is visible`,
    };
  }
  const ports = await Promise.all(
    names.map(async (name): Promise<SerialPortEntry> => {
      const path = join(dir, name);
      const device = await realpath(path).catch(() => undefined);
      return device === undefined ? { path } : { path, device };
    }),
  );
  return {
    ports,
    source: 'by-id',
    note: `SerialPort.list() failed (${why}; udevadm is missing in many containers), so ${dir} was listed instead: USB ids and manufacturers are unknown, the paths are right to configure`,
  };
}

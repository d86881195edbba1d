/**
 * A simulated Meshtastic device on a real pseudo-terminal (docs/meshtastic.md §1.2, §1.6,
 * §8.8; docs/design.md §Testing "the serial paths also over real pseudo-terminals"): socat joins two
 * ptys back to back (`pty,raw,echo=0,link=<dir>/device` and `...,link=<host path>`); the device
 * end is opened with the real `serialport` package (hupcl off) and attached to the device; the
 * host opens the host path as it would /dev/ttyUSB0.
 *
 * Native USB: at reboot the port really vanishes. socat is killed, which removes both links, and
 * after the reboot delay a new socat makes them again (on new /dev/pts numbers), as a board
 * re-enumerating does. A UART device keeps its port through reboots.
 *
 * A pty buffers what the device writes while no host has it open (a few KiB); `serialport`
 * flushes that on open (bindings-cpp `tcflush(fd, TCIOFLUSH)`), so a host using it, like one on
 * a USB-UART bridge, starts with what the device writes after it opened the port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { requireSystemTool, SOCAT } from '../../../node/src/link/system-tool.js';
import type { SimulatedDevice } from './simulated-device.js';

export interface PtyDeviceOptions {
  /** A device whose profile transport is 'uart' or 'native-usb'. */
  device: SimulatedDevice;
  /** Where the links go. Default a fresh directory under the OS temp dir, removed on close. */
  dir?: string;
  /** The host end's path. Default `<dir>/host`. */
  hostPath?: string;
  /** Default: socat found on PATH, or TOOL_MISSING from open() when it is not installed. */
  socatPath?: string;
  /** How long to wait for socat to make the ptys. Default 5000 ms. */
  startTimeoutMs?: number;
  /** Default silent. */
  log?: Logger;
}

/** socat processes alive in this process, killed if it exits without closing them. */
const live = new Set<ChildProcess>();
let exitHook = false;

export class PtyDevice {
  readonly #device: SimulatedDevice;
  readonly #opts: PtyDeviceOptions;
  readonly #log: Logger;
  #dir = '';
  #ownDir = false;
  #socat: ChildProcess | undefined;
  #port: SerialPort | undefined;
  #closed = false;
  /** The pending restart after a native-USB reboot, so close() can wait for it. */
  #restarting: Promise<void> = Promise.resolve();
  readonly #onVanished = (): void => {
    this.#restarting = this.#teardown().catch((err: unknown) =>
      this.#log.warn({ err }, 'pty teardown failed'),
    );
  };
  readonly #onReturned = (): void => {
    this.#restarting = this.#restarting
      .then(() => (this.#closed ? undefined : this.#bringUp()))
      .catch((err: unknown) => this.#log.warn({ err }, 'pty could not come back after the reboot'));
  };

  constructor(options: PtyDeviceOptions) {
    if (options.device.profile.transport === 'tcp')
      throw new TypeError('a pty needs a serial device, not a TCP one');
    this.#device = options.device;
    this.#opts = options;
    this.#log = (options.log ?? silentLogger).child({ mod: 'sim.meshtastic.pty' });
  }

  /** The path a host opens, e.g. with `new SerialPort({ path, baudRate: 115200, hupcl: false })`. */
  get hostPath(): string {
    return this.#opts.hostPath ?? join(this.#dir, 'host');
  }

  get devicePath(): string {
    return join(this.#dir, 'device');
  }

  /** Makes the pty pair and attaches the device to its end. Start the device before or after. */
  async open(): Promise<void> {
    if (this.#opts.dir === undefined) {
      this.#dir = await mkdtemp(join(tmpdir(), 'fieldnode-mesh-pty-'));
      this.#ownDir = true;
    } else {
      this.#dir = this.#opts.dir;
    }
    this.#device.on('portVanished', this.#onVanished);
    this.#device.on('portReturned', this.#onReturned);
    await this.#bringUp();
  }

  /** Detaches the device, closes its end, kills socat (the links go), removes its own directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#device.off('portVanished', this.#onVanished);
    this.#device.off('portReturned', this.#onReturned);
    await this.#restarting;
    await this.#teardown();
    if (this.#ownDir) await rm(this.#dir, { recursive: true, force: true });
  }

  async #bringUp(): Promise<void> {
    const socat = await this.#startSocat();
    if (this.#closed) {
      await stopProcess(socat);
      return;
    }
    const port = new SerialPort({ path: this.devicePath, baudRate: 115200, hupcl: false, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) =>
        err
          ? reject(new KitError('MESH_PORT', `cannot open the device end ${this.devicePath}`, { cause: err }))
          : resolve(),
      ),
    );
    port.on('error', (err) => this.#log.debug({ err }, 'device end error'));
    this.#port = port;
    this.#device.attach(port);
    this.#log.info({ hostPath: this.hostPath }, 'simulated meshtastic device on a pty');
  }

  async #teardown(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (port !== undefined) {
      this.#device.detach();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
    const socat = this.#socat;
    this.#socat = undefined;
    if (socat !== undefined) await stopProcess(socat);
  }

  async #startSocat(): Promise<ChildProcess> {
    const args = [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${this.devicePath}`,
      `pty,raw,echo=0,link=${this.hostPath}`,
    ];
    const child = spawn(this.#opts.socatPath ?? requireSystemTool(SOCAT), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#socat = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const c of live) c.kill('SIGTERM');
      });
    }
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          fail(new Error(`socat did not start within ${this.#opts.startTimeoutMs ?? 5000} ms: ${stderr}`)),
        this.#opts.startTimeoutMs ?? 5000,
      );
      const fail = (err: Error): void => {
        clearTimeout(timer);
        child.kill('SIGTERM');
        reject(new KitError('MESH_PORT', 'cannot make the pty pair', { cause: err }));
      };
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`socat exited with ${code}: ${stderr}`)));
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
        // "starting data transfer loop": both ptys and both links exist.
        if (stderr.includes('starting data transfer loop')) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          child.removeAllListeners('error');
          child.once('exit', () => live.delete(child));
          child.on('error', (err) => this.#log.warn({ err }, 'socat error'));
          // Keep draining its stderr; what it says later (exit notices) is not needed.
          child.stderr?.removeAllListeners('data');
          child.stderr?.resume();
          resolve();
        }
      });
    });
    return child;
  }
}

/** SIGTERM (socat removes its links on it), then wait for the exit. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

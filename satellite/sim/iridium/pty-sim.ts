/**
 * A serial-device simulator behind a real pseudo-terminal (docs/iridium.md §7.4, docs/beidou.md
 * §The simulator): a socat pty pair (pty-pair.ts) whose device end is opened with the real
 * `serialport` package and given to the simulator. A driver, a test or a terminal program opens
 * `hostPath` as it would the device's USB serial port. The Iridium modem and the BeiDou module
 * simulators both stand behind it.
 */
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { openPtyPair, type PtyPairOptions } from './pty-pair.js';

/** What a simulator needs to sit behind the pty: a stream to speak on, and a stop. */
export interface StreamSim {
  attach(stream: Duplex): void;
  close(): void;
}

export interface PtySim<S extends StreamSim> {
  /** The serial device path to give the program under test. */
  hostPath: string;
  sim: S;
  /** Stops the simulator, closes the device end and stops socat. */
  close(): Promise<void>;
}

/** Opens a pty pair at `baudRate` and attaches `sim` to its device end. */
export async function startPtySim<S extends StreamSim>(
  sim: S,
  baudRate: number,
  options: PtyPairOptions = {},
): Promise<PtySim<S>> {
  const pair = await openPtyPair(options);
  const port = new SerialPort({ path: pair.devicePath, baudRate, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    await pair.close();
    throw err;
  }
  // A closed host end or socat stopping makes the device end fail; the simulator just stops hearing.
  port.on('error', () => {});
  sim.attach(port);
  let closed = false;
  return {
    hostPath: pair.hostPath,
    sim,
    close: async () => {
      if (closed) return;
      closed = true;
      sim.close();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
      await pair.close();
    },
  };
}

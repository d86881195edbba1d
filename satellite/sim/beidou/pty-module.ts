/**
 * A simulated BeiDou module behind a real pseudo-terminal (docs/beidou.md §The simulator): a socat
 * pty pair (../iridium/pty-pair.ts) whose device end is opened with the real `serialport` package
 * and attached to a BeidouModuleSim. The daemon, a test or a terminal program opens `hostPath` as
 * it would the module's USB serial port.
 */
import { SerialPort } from 'serialport';
import { openPtyPair, type PtyPairOptions } from '../iridium/pty-pair.js';
import { BeidouModuleSim, type BeidouModuleSimOptions } from './module-sim.js';

export interface PtyBeidouModule {
  /** The serial device path to give the program under test. */
  hostPath: string;
  sim: BeidouModuleSim;
  /** Stops the simulator, closes the device end and stops socat. */
  close(): Promise<void>;
}

export async function startPtyBeidouModule(
  options: BeidouModuleSimOptions & PtyPairOptions,
): Promise<PtyBeidouModule> {
  const pair = await openPtyPair(options);
  const port = new SerialPort({ path: pair.devicePath, baudRate: 115_200, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    await pair.close();
    throw err;
  }
  // A closed host end or socat stopping makes the device end fail; the simulator just stops hearing.
  port.on('error', () => {});
  const sim = new BeidouModuleSim(options);
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

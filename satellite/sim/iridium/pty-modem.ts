/**
 * The modem simulator behind a real pseudo-terminal: a socat pty pair (pty-pair.ts) whose device
 * end is opened with the real `serialport` package and attached to an IridiumModemSim. A driver,
 * minicom or any other program opens `hostPath` as it would a RockBLOCK on /dev/ttyUSB0
 * (docs/iridium.md §7.4 "Drive it through a socat pty pair").
 */
import { SerialPort } from 'serialport';
import { IridiumModemSim, type ModemSimOptions } from './modem-sim.js';
import { openPtyPair, type PtyPairOptions } from './pty-pair.js';

export interface PtyModem {
  /** The serial device path to give the program under test. */
  hostPath: string;
  sim: IridiumModemSim;
  /** Stops the simulator, closes the device end and stops socat. */
  close(): Promise<void>;
}

export async function startPtyModem(options: ModemSimOptions & PtyPairOptions): Promise<PtyModem> {
  const pair = await openPtyPair(options);
  const port = new SerialPort({ path: pair.devicePath, baudRate: 19200, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    await pair.close();
    throw err;
  }
  // A closed host end or socat stopping makes the device end fail; the simulator just stops hearing.
  port.on('error', () => {});
  const sim = new IridiumModemSim(options);
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

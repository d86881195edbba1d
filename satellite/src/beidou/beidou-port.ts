/**
 * Opens the serial port of a BeiDou short-message module (docs/beidou.md §The driver: 115200 baud,
 * 8N1 by default). The driver takes any open byte stream; this is the one place the daemon opens a
 * real device for it. A port that cannot be opened gives BEIDOU_CLOSED with the system's error as
 * the cause, so the link reports it as down and the supervisor tries again.
 */
import { SerialPort } from 'serialport';
import { KitError } from '../../../node/src/base/errors.js';
import './beidou-errors.js';

export const BEIDOU_BAUD = 115_200;

export async function openBeidouPort(path: string, baudRate = BEIDOU_BAUD): Promise<SerialPort> {
  // hupcl off: closing the port must not drop DTR, which some carrier boards wire to the
  // module's power line.
  const port = new SerialPort({ path, baudRate, hupcl: false, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err
        ? reject(
            new KitError('BEIDOU_CLOSED', `cannot open the BeiDou module's port ${path}`, { cause: err }),
          )
        : resolve(),
    ),
  );
  return port;
}

/** Closes a port opened by {@link openBeidouPort}; never rejects. */
export function closeBeidouPort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => port.close(() => resolve()));
}

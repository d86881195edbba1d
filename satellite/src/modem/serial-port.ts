/**
 * Opens the serial port of an Iridium 9602/9603 or RockBLOCK (docs/iridium.md §1.1: 19200
 * baud, 8N1, no flow control with AT&K0). The driver takes any open byte stream; this is the one
 * place the daemon opens a real device for it. A port that cannot be opened gives AT_CLOSED with
 * the system's error as the cause, so the link reports it as down and a supervisor retries.
 */
import { SerialPort } from 'serialport';
import { KitError } from '../../../node/src/base/errors.js';

export const IRIDIUM_BAUD = 19_200;

export async function openModemPort(path: string, baudRate = IRIDIUM_BAUD): Promise<SerialPort> {
  // hupcl off: closing the port must not drop DTR, which some carrier boards wire to the modem's
  // power or sleep line.
  const port = new SerialPort({ path, baudRate, hupcl: false, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err
        ? reject(new KitError('AT_CLOSED', `cannot open the modem's port ${path}`, { cause: err }))
        : resolve(),
    ),
  );
  return port;
}

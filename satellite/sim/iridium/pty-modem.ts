/**
 * The modem simulator behind a real pseudo-terminal, at 19200 baud (pty-sim.ts). A driver,
 * minicom or any other program opens `hostPath` as it would a RockBLOCK on /dev/ttyUSB0
 * (docs/iridium.md §7.4 "Drive it through a socat pty pair").
 */
import { IridiumModemSim, type ModemSimOptions } from './modem-sim.js';
import type { PtyPairOptions } from './pty-pair.js';
import { type PtySim, startPtySim } from './pty-sim.js';

export type PtyModem = PtySim<IridiumModemSim>;

export function startPtyModem(options: ModemSimOptions & PtyPairOptions): Promise<PtyModem> {
  return startPtySim(new IridiumModemSim(options), 19200, options);
}

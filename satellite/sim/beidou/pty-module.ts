/**
 * A simulated BeiDou module behind a real pseudo-terminal (docs/beidou.md §The simulator), at
 * 115200 baud (../iridium/pty-sim.ts). The daemon, a test or a terminal program opens `hostPath` as
 * it would the module's USB serial port.
 */
import type { PtyPairOptions } from '../iridium/pty-pair.js';
import { type PtySim, startPtySim } from '../iridium/pty-sim.js';
import { BeidouModuleSim, type BeidouModuleSimOptions } from './module-sim.js';

export type PtyBeidouModule = PtySim<BeidouModuleSim>;

export function startPtyBeidouModule(
  options: BeidouModuleSimOptions & PtyPairOptions,
): Promise<PtyBeidouModule> {
  return startPtySim(new BeidouModuleSim(options), 115_200, options);
}

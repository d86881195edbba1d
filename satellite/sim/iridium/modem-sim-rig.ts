/**
 * A test rig for the modem simulator: a VirtualClock, a ScriptedNetwork, the simulator on one end
 * of an in-process duplex pair, and helpers to type at it and read what it wrote back.
 */

import { VirtualClock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { IridiumModemSim, type ModemSimOptions } from './modem-sim.js';
import { ScriptedNetwork } from './scripted-network.js';

/** 2024-05-24 17:10:16.360 UTC, the Ground Control MSSTM example d1c6dd38 (§1.5). */
export const RIG_EPOCH_MS = Date.UTC(2024, 4, 24, 17, 10, 16, 360);

export interface SimRig {
  clock: VirtualClock;
  network: ScriptedNetwork;
  sim: IridiumModemSim;
  /** Writes to the modem and lets the streams settle. */
  send(bytes: string | Uint8Array): Promise<void>;
  /** Advances simulated time and lets the streams settle. */
  advance(ms: number): Promise<void>;
  /** Everything the modem wrote since the last take(), as latin1. */
  take(): string;
  /** The same as bytes. */
  takeBytes(): Buffer;
}

export const settle = async (): Promise<void> => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
};

export function simRig(options: Partial<ModemSimOptions> = {}): SimRig {
  const clock = new VirtualClock();
  const network = new ScriptedNetwork({ clock });
  const sim = new IridiumModemSim({ clock, network, epochMs: RIG_EPOCH_MS, ...options });
  const [host, device] = createDuplexPair();
  sim.attach(device);
  let out: Buffer[] = [];
  host.on('data', (b: Buffer) => out.push(b));
  const takeBytes = (): Buffer => {
    const b = Buffer.concat(out);
    out = [];
    return b;
  };
  return {
    clock,
    network,
    sim,
    send: async (bytes) => {
      host.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
      await settle();
    },
    advance: async (ms) => {
      clock.advance(ms);
      await settle();
    },
    take: () => takeBytes().toString('latin1'),
    takeBytes,
  };
}

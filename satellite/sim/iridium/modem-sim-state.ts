/**
 * The simulated 9603's state (docs/iridium.md §1.3, §7.4 checklist item 5): the two SBD
 * buffers, the sequence numbers, the settings, and the MOMSN's persistence. The MOMSN survives
 * power cycles (it lives in the modem's NVM); with a file it also survives the simulator's process.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface HeldMt {
  mtmsn: number;
  payload: Uint8Array;
}

export interface ModemSimState {
  /** E1/E0. */
  echo: boolean;
  /** V1/V0 (verbose or numeric result codes). */
  verbose: boolean;
  /** The MO buffer; undefined when empty. Survives sessions; cleared by SBDD0/2 and power-off. */
  mo: Uint8Array | undefined;
  /** The MT buffer; cleared when a session starts, by SBDD1/2 and power-off. */
  mt: HeldMt | undefined;
  /** The MOMSN the next session will use. */
  momsn: number;
  /** AT+SBDMTA now, and as stored by AT&W0 (RockBLOCK default off). */
  ringAlerts: boolean;
  storedRingAlerts: boolean;
  /** AT+SBDST seconds; 0 for none. */
  sessionTimeoutS: number;
  /** AT+CIER settings. */
  cier: { mode: number; signal: boolean; service: boolean; antenna: boolean };
  /** SBDSX's RA flag: a ring alert was heard and no mailbox check has answered it yet. */
  raFlag: boolean;
  /** +CRIS's SBD ring indication. */
  sbdRing: boolean;
  /** The last session registered with the network. */
  registered: boolean;
  /** MT messages waiting at the gateway as of the last session (SBDSX). */
  mtWaiting: number;
  /** The last signal reading, for AT+CSQF. */
  lastSignal: number;
  /**
   * MT messages the gateway holds because the first is longer than the 9603 takes (> 270 bytes):
   * each session reports MO status 1 and none is delivered (§1.3, §7.3). Kept on the modem side
   * because the network boundary (iridium-network.ts) hands over the MT it dequeued.
   */
  heldMt: HeldMt[];
}

export function initialState(options: { echo: boolean; ringAlerts: boolean; momsn: number }): ModemSimState {
  return {
    echo: options.echo,
    verbose: true,
    mo: undefined,
    mt: undefined,
    momsn: options.momsn,
    ringAlerts: options.ringAlerts,
    storedRingAlerts: options.ringAlerts,
    sessionTimeoutS: 0,
    cier: { mode: 0, signal: false, service: false, antenna: false },
    raFlag: false,
    sbdRing: false,
    registered: false,
    mtWaiting: 0,
    lastSignal: 0,
    heldMt: [],
  };
}

/** What a power cycle resets: volatile buffers and settings; MOMSN and stored settings stay. */
export function powerOnReset(state: ModemSimState, echo: boolean): void {
  state.echo = echo;
  state.verbose = true;
  state.mo = undefined;
  state.mt = undefined;
  state.ringAlerts = state.storedRingAlerts;
  state.sessionTimeoutS = 0;
  state.cier = { mode: 0, signal: false, service: false, antenna: false };
  state.sbdRing = false;
}

/** MOMSN storage: memory, or a file holding the number in decimal. */
export class MomsnStore {
  readonly #file: string | undefined;

  constructor(file: string | undefined) {
    this.#file = file;
  }

  /** The stored MOMSN, or `fallback` if there is no file yet. */
  load(fallback: number): number {
    if (this.#file === undefined) return fallback;
    try {
      const n = Number.parseInt(readFileSync(this.#file, 'utf8').trim(), 10);
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : fallback;
    } catch {
      return fallback;
    }
  }

  save(momsn: number): void {
    if (this.#file !== undefined) writeFileSync(this.#file, `${momsn}\n`);
  }
}

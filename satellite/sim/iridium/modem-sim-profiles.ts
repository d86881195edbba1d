/**
 * Modems that are not exactly a 9603, as options for the modem simulator (docs/iridium.md §7.4
 * checklist item 9): spread into ModemSimOptions beside the faults, e.g.
 * `new IridiumModemSim({ clock, network, ...MINIMAL_MODEM })`.
 *
 * The simulator is a faithful 9603 by default. A profile takes away what some modems and emulators
 * lack, so the link is tested against them too (§1.2: isbd-emu answers ERROR to AT+CSQ and
 * AT-MSSTM; §7.1 "Required and optional commands").
 */
import type { ModemSimOptions } from './modem-sim.js';

/**
 * A modem that has only what sending and receiving need: it answers ERROR to every command that
 * only informs the driver uses at run time, AT+CGMR (firmware version), AT+CSQ and AT+CSQF (signal)
 * and AT-MSSTM (network time). It still writes, sends and receives, and +SBDIX still tells whether
 * a satellite was in view.
 */
export const MINIMAL_MODEM = {
  refuses: ['+CGMR', '+CSQ', '+CSQF', '-MSSTM'],
} as const satisfies Partial<ModemSimOptions>;

/** The profiles by name: the full 9603 and the minimal modem. */
export const MODEM_PROFILES: Readonly<Record<'9603' | 'minimal', Partial<ModemSimOptions>>> = {
  '9603': {},
  minimal: MINIMAL_MODEM,
};

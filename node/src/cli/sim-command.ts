/**
 * `fieldnode sim <device> …`: the hardware simulators on their own, so any client, driver or
 * server can be pointed at them (issues 4 and 5: "It also runs on its own"). Each simulator lives
 * with its adapter (radio/sim, satellite/sim) and is loaded only when asked for, so the daemon
 * never loads simulator code.
 */
import { KitError } from '../base/errors.js';

export const SIM_HELP = `  sim meshtastic --tcp PORT | --pty [--link PATH]
                              a simulated Meshtastic device (firmware 2.6 by default)
  sim iridium --pty [--link PATH]
                              a simulated Iridium 9603 modem on a pseudo-terminal
  sim rockblock --port PORT [--push-url URL] [--key-dir DIR]
                              the simulated Iridium network and RockBLOCK web services,
                              signing pushes with a key of its own kept in DIR`;

export async function simCommand(args: string[]): Promise<number> {
  const [device, ...rest] = args;
  switch (device) {
    case 'meshtastic': {
      const { meshtasticSimCommand } = await import('../../../radio/sim/meshtastic/sim-command.js');
      return meshtasticSimCommand(rest);
    }
    case 'iridium': {
      const { iridiumSimCommand } = await import('../../../satellite/sim/iridium/iridium-sim-command.js');
      return iridiumSimCommand(rest);
    }
    case 'rockblock': {
      const { rockblockSimCommand } = await import('../../../satellite/sim/rockblock/sim-command.js');
      return rockblockSimCommand(rest);
    }
    default:
      throw new KitError(
        'CLI_USAGE',
        `sim: expected meshtastic, iridium or rockblock, not ${JSON.stringify(device ?? '')}`,
      );
  }
}

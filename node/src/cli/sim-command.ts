/**
 * `fieldnode sim <device> …`: the hardware simulators on their own, so any client, driver or
 * server can be pointed at them (docs/meshtastic.md §8.8, docs/iridium.md §7.4, docs/beidou.md
 * §The simulator). Each simulator lives with its adapter (radio/sim, satellite/sim), with its
 * options and its help, and is loaded only when asked for, so the daemon never loads simulator
 * code.
 */
import { KitError } from '../base/errors.js';

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
    case 'beidou': {
      const { beidouSimCommand } = await import('../../../satellite/sim/beidou/beidou-sim-command.js');
      return beidouSimCommand(rest);
    }
    case undefined:
      throw new KitError('CLI_USAGE', 'sim: which device? meshtastic, iridium, rockblock or beidou');
    default:
      throw new KitError(
        'CLI_USAGE',
        `sim: expected meshtastic, iridium, rockblock or beidou, not ${JSON.stringify(device)}`,
      );
  }
}

/**
 * `fieldnode radio apply|verify|suggest …`: device profiles for the kit's radio and modem
 * (docs/profiles.md). Each subcommand is loaded only when it runs, and loads the radio modules
 * only then, so the other commands never do.
 */
import { KitError } from '../base/errors.js';
import type { RadioCommandIo } from './radio-apply-command.js';
import type { SuggestIo } from './radio-suggest-command.js';

export async function radioCommand(args: string[], io: RadioCommandIo & SuggestIo = {}): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'apply':
    case 'verify': {
      const { radioApplyCommand } = await import('./radio-apply-command.js');
      return radioApplyCommand(rest, sub === 'verify', io);
    }
    case 'suggest': {
      const { radioSuggestCommand } = await import('./radio-suggest-command.js');
      return radioSuggestCommand(rest, io);
    }
    case undefined:
      throw new KitError('CLI_USAGE', 'radio: what? apply, verify or suggest');
    default:
      throw new KitError('CLI_USAGE', `radio: expected apply, verify or suggest, not ${JSON.stringify(sub)}`);
  }
}

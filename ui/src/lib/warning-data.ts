/**
 * What the warning views show and the issue form offers (docs/ui.md §Warnings; docs/domain.md
 * §Warnings): the event codes the wire knows (node/src/wire/codes/event-codes.ts, so the form
 * offers exactly what the wire names, the commonest of a county in the hills first), the four
 * levels with their colours, the roles that answer, and the catalogue keys of each, so that
 * every word shown comes from the catalogues (ui/src/i18n/).
 */
import { EVENT_CODES, isEventCode } from '../../../node/src/wire/codes/event-codes.js';
import type { WarningColour } from './api-types.js';

/** Every event code the wire names, in the table's order. */
export const EVENTS: readonly string[] = EVENT_CODES.map(([code]) => code);

/** Offered first: what a county in the hills is warned of most. */
export const COMMON_EVENTS: readonly string[] = ['11B03', '11B37', '11B01', '11B14', '11B20', '11B06'];

/** The catalogue key naming an event code (`event.11B03`), or undefined for one the table lacks. */
export function eventKey(code: string): `event.${string}` | undefined {
  return EVENTS.includes(code) ? `event.${code}` : undefined;
}

export { isEventCode };

/** Levels as the form offers them: 1 = I 特别严重 … 4 = IV 一般, 0 = none. */
export const LEVELS = [1, 2, 3, 4, 0] as const;

export const COLOURS: readonly WarningColour[] = ['red', 'orange', 'yellow', 'blue', 'none'];

/** The colour a level goes with (docs/domain.md §Warnings: I red … IV blue; none without a level). */
export function colourOfLevel(level: number): WarningColour {
  return (['none', 'red', 'orange', 'yellow', 'blue'] as const)[level] ?? 'none';
}

/** The roles a warning may call (叫应), in the order the form offers them. */
export const ANSWERING_ROLES = [
  'flood-responsible',
  'village-committee',
  'grid-member',
  'info-officer',
  'team-leader',
] as const;

/** Ticked on a new warning: those the local rules name first (docs/domain.md §People and roles). */
export const DEFAULT_ROLES: readonly string[] = ['flood-responsible', 'village-committee', 'grid-member'];

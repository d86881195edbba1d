/**
 * The words of the teams and texts views (docs/teams.md §The views): looked
 * up in their own catalogue (ui/src/i18n/teams-zh-CN.ts, teams-en.ts) in the language in force, so
 * that a change of language redraws them too. Imported only by those views, which are loaded when
 * first opened.
 */
import { currentLang, fill } from '../i18n/i18n.svelte.js';
import { teamsEn } from '../i18n/teams-en.js';
import { type TeamsKey, teamsZhCN } from '../i18n/teams-zh-CN.js';
import { ageOf } from './team-data.js';

export type { TeamsKey };

export function tt(key: TeamsKey, params?: Readonly<Record<string, string | number>>): string {
  const table: Readonly<Record<string, string>> = currentLang() === 'en' ? teamsEn : teamsZhCN;
  return fill(table[key] ?? key, params);
}

/** How long ago, in words: 45秒, 12分钟, 3小时. */
export function agoText(ms: number): string {
  const a = ageOf(ms);
  return tt(`teams.ago.${a.unit}`, { n: a.n });
}

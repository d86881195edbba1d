/**
 * The words of the hazard views and the map (docs/ui.md §Hazards, §Language and look): looked up in
 * their own catalogue (ui/src/i18n/hazards-zh-CN.ts, hazards-en.ts) in the language in force, so
 * that a change of language redraws them too. This module is imported only by those views, which
 * are loaded when first opened: neither the strings nor the code weigh on the first view.
 */

import { sectorByCode } from '../../../node/src/domain/hazards/hazard-sectors.js';
import { hazardByCode } from '../../../node/src/wire/codes/hazard-types.js';
import { hazardsEn } from '../i18n/hazards-en.js';
import { type HazardsKey, hazardsZhCN } from '../i18n/hazards-zh-CN.js';
import { currentLang, fill, has, type MessageKey, t } from '../i18n/i18n.svelte.js';

export type { HazardsKey };

export function ht(key: HazardsKey, params?: Readonly<Record<string, string | number>>): string {
  const table: Readonly<Record<string, string>> = currentLang() === 'en' ? hazardsEn : hazardsZhCN;
  return fill(table[key] ?? key, params);
}

/** A hazard code's name, as the report form names it (the main catalogue's `hazard.*`). */
export function hazardName(code: number): string {
  const def = hazardByCode(code);
  const key = def === undefined ? undefined : `hazard.${def.name}`;
  return key !== undefined && has(key) ? t(key as MessageKey) : t('hazard.unknown', { code });
}

/** A sector's name, or its number when this version does not know it. */
export function sectorName(code: number | undefined): string {
  if (code === undefined) return ht('hz.sector.none');
  const def = sectorByCode(code);
  return def === undefined ? ht('hz.sector.code', { code }) : ht(`hz.sector.${def.name}` as HazardsKey);
}

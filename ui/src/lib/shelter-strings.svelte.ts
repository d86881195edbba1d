/**
 * The words of the shelter view (docs/shelters.md §The view, §Language and look): looked up in their own
 * catalogue (ui/src/i18n/shelters-zh-CN.ts, shelters-en.ts) in the language in force, so that a
 * change of language redraws them too. Imported only by that view, which is loaded when first
 * opened: neither the strings nor the code weigh on the first view.
 */
import { currentLang, fill } from '../i18n/i18n.svelte.js';
import { sheltersEn } from '../i18n/shelters-en.js';
import { type SheltersKey, sheltersZhCN } from '../i18n/shelters-zh-CN.js';

export type { SheltersKey };

export function st(key: SheltersKey, params?: Readonly<Record<string, string | number>>): string {
  const table: Readonly<Record<string, string>> = currentLang() === 'en' ? sheltersEn : sheltersZhCN;
  return fill(table[key] ?? key, params);
}

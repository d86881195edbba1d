/**
 * The words of the centre's kit-health view (docs/ui.md §Kits at the centre, §Language and look):
 * looked up in their own catalogue (ui/src/i18n/kits-zh-CN.ts, kits-en.ts) in the language in
 * force, so that a change of language redraws them too. Imported only by that view, which is loaded
 * when first opened: neither the strings nor the code weigh on the first view.
 */
import { currentLang, fill } from '../i18n/i18n.svelte.js';
import { kitsEn } from '../i18n/kits-en.js';
import { type KitsKey, kitsZhCN } from '../i18n/kits-zh-CN.js';
import type { Span } from './kit-health.js';

export type { KitsKey };

export function kt(key: KitsKey, params?: Readonly<Record<string, string | number>>): string {
  const table: Readonly<Record<string, string>> = currentLang() === 'en' ? kitsEn : kitsZhCN;
  return fill(table[key] ?? key, params);
}

/** A span in words: 12分钟, 3小时5分, 2 days. */
export function spanText(s: Span): string {
  return s.unit === 'h' ? kt('kits.ago.h', { n: s.n, m: s.m }) : kt(`kits.ago.${s.unit}`, { n: s.n });
}

/** A power source's name; a source this version does not know, as the kit said it. */
export function powerName(source: string): string {
  const key = `kits.power.${source}`;
  return key in kitsZhCN ? kt(key as KitsKey) : source;
}

/** A link kind's name, or the kind as the kit said it. */
export function linkName(kind: string): string {
  const key = `kits.link.${kind}`;
  return key in kitsZhCN ? kt(key as KitsKey) : kind;
}

/** What set a kit's clock, or the source as the kit said it. */
export function clockSourceName(source: string): string {
  const key = `kits.clockSource.${source}`;
  return key in kitsZhCN ? kt(key as KitsKey) : source;
}

/** A message kind as the board names what it last heard, or the kind as the wire names it. */
export function kindName(kind: string): string {
  const key = `kits.msgKind.${kind}`;
  return key in kitsZhCN ? kt(key as KitsKey) : kind;
}

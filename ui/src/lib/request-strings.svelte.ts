/**
 * The words of the request and SOS views (docs/requests.md §The views; docs/ui.md §Language and look): looked
 * up in their own catalogue (ui/src/i18n/requests-zh-CN.ts, requests-en.ts) in the language in
 * force. Imported only by those views, which are loaded when first opened.
 */
import { supplyItem } from '../../../node/src/wire/codes/supply-items.js';
import { currentLang, fill } from '../i18n/i18n.svelte.js';
import { requestsEn } from '../i18n/requests-en.js';
import { type RequestsKey, requestsZhCN } from '../i18n/requests-zh-CN.js';

export type { RequestsKey };

export function rt(key: RequestsKey, params?: Readonly<Record<string, string | number>>): string {
  const table: Readonly<Record<string, string>> = currentLang() === 'en' ? requestsEn : requestsZhCN;
  return fill(table[key] ?? key, params);
}

/** A supply line in words: 饮用水 50箱, or "drinkingWater × 50" in English. */
export function lineText(line: { item: number; quantity: number }): string {
  const s = supplyItem(line.item);
  if (s === undefined) return `#${line.item} × ${line.quantity}`;
  return currentLang() === 'en'
    ? `${supplyName(line.item)} × ${line.quantity}`
    : `${s.zh} ${line.quantity}${s.unit}`;
}

/** A span of waiting, in words. */
export function waitText(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 60) return rt('rq.ago.m', { n: m });
  if (m < 48 * 60) return rt('rq.ago.h', { n: Math.floor(m / 60), m: m % 60 });
  return rt('rq.ago.d', { n: Math.floor(m / 1440) });
}

/** Several supply lines in words, as the language lists them. */
export function linesText(lines: ReadonlyArray<{ item: number; quantity: number }>): string {
  return lines.map(lineText).join(rt('rq.sep'));
}

/** A supply item as the form offers it: its name, and in Chinese its unit. */
export function itemLabel(code: number): string {
  const s = supplyItem(code);
  if (s === undefined) return `#${code}`;
  return currentLang() === 'en'
    ? rt('rq.itemOption', { name: s.name, unit: '' })
    : rt('rq.itemOption', { name: s.zh, unit: s.unit });
}

/** A supply item's name in the language in force, or its code when this version does not know it. */
export function supplyName(code: number): string {
  const s = supplyItem(code);
  if (s === undefined) return `#${code}`;
  const key = `rq.supply.${s.name}`;
  return key in requestsZhCN ? rt(key as RequestsKey) : s.name;
}

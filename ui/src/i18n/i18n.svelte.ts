/**
 * The UI's language (docs/ui.md §Language and look): Chinese first, English on request, the
 * choice remembered on the phone. Every string a person reads comes from a catalogue
 * (zh-CN.ts, en.ts); `t(key, params)` looks it up in the language in force and fills `{name}`
 * placeholders. The Chinese catalogue is part of the first download; the English one is fetched
 * only when someone asks for it.
 *
 * The language is reactive state: a component that calls `t()` while it renders is drawn again
 * when the language changes.
 */
import type { Lang } from '../lib/county-clock.js';
import { fill } from './fill.js';
import { type Catalogue, type MessageKey, zhCN } from './zh-CN.js';

export type { Lang, MessageKey };
export { fill };

export const LANG_STORAGE_KEY = 'fieldnode.lang';

let lang = $state<Lang>('zh-CN');
let catalogue = $state.raw<Catalogue>(zhCN);

/** The language in force. */
export function currentLang(): Lang {
  return lang;
}

/** Switches language, fetching the catalogue if needed, and remembers the choice. */
export async function setLang(
  next: Lang,
  storage: Pick<Storage, 'setItem'> | undefined = safeStorage(),
): Promise<void> {
  const table = next === 'en' ? (await import('./en.js')).en : zhCN;
  catalogue = table;
  lang = next;
  storage?.setItem(LANG_STORAGE_KEY, next);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = next;
    document.title = table['app.title'];
  }
}

/** The language remembered on this phone, else Chinese. */
export function rememberedLang(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): Lang {
  return storage?.getItem(LANG_STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

/** The string for `key` in the language in force, with `{name}` replaced from `params`. */
export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return fill(catalogue[key] ?? key, params);
}

/** Whether `key` is in the catalogue (for keys made from data: an indicator, a hazard code). */
export function has(key: string): key is MessageKey {
  return key in catalogue;
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

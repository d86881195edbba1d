/**
 * The UI's language (docs/ui.md §Language and look): Chinese first, English on request, the
 * choice remembered on the phone. Every string a person reads comes from a catalogue
 * (zh-CN.ts, en.ts); `t(key, params)` looks it up in the language in force and fills `{name}`
 * placeholders. The Chinese catalogue is part of the first download; the English one is fetched
 * only when someone asks for it.
 *
 * The language is reactive state: a component that calls `t()` while it renders is drawn again
 * when the language changes.
 *
 * The strings of the warning views (lists, a warning's page, the centre's 叫应 board and its issue
 * form: warnings-zh-CN.ts, warnings-en.ts) are a part of their own, loaded with those views by
 * `loadWarningsStrings()` and in the language in force, so that the first view does not carry them
 * (docs/ui.md §Sizes). A key of that part asked before it came reads as the key itself.
 */
import type { Lang } from '../lib/county-clock.js';
import { fill } from './fill.js';
import type { WarningsKey } from './warnings-zh-CN.js';
import { type Catalogue, type MessageKey as MainKey, zhCN } from './zh-CN.js';

export type MessageKey = MainKey | WarningsKey;
export type { Lang };
export { fill };

export const LANG_STORAGE_KEY = 'fieldnode.lang';

let lang = $state<Lang>('zh-CN');
let catalogue = $state.raw<Catalogue>(zhCN);
/** The warning views' part, once they asked for it. */
let part = $state.raw<Readonly<Record<string, string>>>({});
let partWanted = false;

async function partIn(l: Lang): Promise<Readonly<Record<string, string>>> {
  return l === 'en'
    ? (await import('./warnings-en.js')).warningsEn
    : (await import('./warnings-zh-CN.js')).warningsZhCN;
}

/** Loads the warning views' strings in the language in force (and in any chosen later). */
export async function loadWarningsStrings(): Promise<void> {
  partWanted = true;
  const l = lang;
  const table = await partIn(l);
  if (l === lang) part = table;
}

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
  if (partWanted) part = await partIn(next);
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
  return fill((catalogue as Readonly<Record<string, string>>)[key] ?? part[key] ?? key, params);
}

/** Whether `key` is in the catalogue (for keys made from data: an indicator, a hazard code). */
export function has(key: string): key is MessageKey {
  return key in catalogue || key in part;
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Day and night display (docs/ui.md §Language and look): by default the phone's own setting
 * (prefers-color-scheme), or day or night as the person chose, remembered on the phone. The choice
 * is an attribute on <html> that the stylesheet's colour variables follow.
 */
export type ThemeChoice = 'auto' | 'light' | 'dark';

export const THEME_STORAGE_KEY = 'fieldnode.theme';
const ORDER: readonly ThemeChoice[] = ['auto', 'dark', 'light'];

export function rememberedTheme(storage: Pick<Storage, 'getItem'> | undefined): ThemeChoice {
  const v = storage?.getItem(THEME_STORAGE_KEY);
  return v === 'light' || v === 'dark' ? v : 'auto';
}

export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'auto') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** The next choice when the toggle is tapped: automatic → night → day → automatic. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length] as ThemeChoice;
}

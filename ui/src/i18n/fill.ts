/**
 * Fills the `{name}` placeholders of a catalogue string (docs/ui.md §Language and look). Kept apart
 * from the language state so that plain modules and their tests use it without Svelte.
 */
export function fill(text: string, params?: Readonly<Record<string, string | number>>): string {
  if (params === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

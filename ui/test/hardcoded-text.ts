/**
 * Finds text a person would read that is written into a component instead of coming from the
 * catalogue (docs/ui.md §Language and look): words in the markup, and in the attributes people
 * read (aria-label, title, placeholder, alt, label); Chinese in any script string. Markup inside
 * `{…}` is code and is skipped, as are <script>, <style> and comments; punctuation and numbers
 * alone are not words.
 */

/** Attributes whose value a person reads or hears. */
const READ_ATTRIBUTES = [
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'title',
  'placeholder',
  'alt',
  'label',
];
const WORD = /[A-Za-z\u3400-\u9fff]/;
const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

export interface Finding {
  line: number;
  text: string;
}

/** The markup of a .svelte file with code blocks, comments and `{…}` expressions blanked out (lines kept). */
export function markupOf(source: string): string {
  let s = source
    .replace(/<script[\s\S]*?<\/script>/g, blank)
    .replace(/<style[\s\S]*?<\/style>/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank);
  s = blankExpressions(s);
  return s;
}

function blank(match: string): string {
  return match.replace(/[^\n]/g, ' ');
}

/** Blanks `{…}` with their nested braces, strings and template literals. */
function blankExpressions(s: string): string {
  const out = s.split('');
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '{') {
      i++;
      continue;
    }
    const start = i;
    let depth = 0;
    let quote: string | undefined;
    const templateDepth: number[] = [];
    for (; i < s.length; i++) {
      const c = s[i];
      if (quote !== undefined) {
        if (c === '\\') i++;
        else if (quote === '`' && c === '$' && s[i + 1] === '{') {
          templateDepth.push(depth);
          quote = undefined;
          depth++;
          i++;
        } else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'" || c === '`') quote = c;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === depth) {
          templateDepth.pop();
          quote = '`';
        } else if (depth === 0) break;
      }
    }
    for (let j = start; j <= i && j < s.length; j++) if (out[j] !== '\n') out[j] = ' ';
    i++;
  }
  return out.join('');
}

/** Words in the markup, and literal read attributes. */
export function hardCodedMarkup(source: string): Finding[] {
  const markup = markupOf(source);
  const findings: Finding[] = [];
  const lineOf = (index: number) => markup.slice(0, index).split('\n').length;
  // Text between tags.
  for (const m of markup.matchAll(/>([^<>]*)</g)) {
    const text = (m[1] ?? '').trim();
    if (WORD.test(text)) findings.push({ line: lineOf(m.index ?? 0), text });
  }
  // Attributes people read, written as literal text.
  for (const m of markup.matchAll(/\s([\w-]+)\s*=\s*"([^"]*)"/g)) {
    const name = (m[1] ?? '').toLowerCase();
    if (READ_ATTRIBUTES.includes(name) && WORD.test(m[2] ?? ''))
      findings.push({ line: lineOf(m.index ?? 0), text: m[0].trim() });
  }
  return findings;
}

/** Chinese in string literals of script code (comments left out). */
export function hardCodedScript(source: string): Finding[] {
  const findings: Finding[] = [];
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/(^|[^:])\/\/.*$/gm, (m, pre: string) => pre + blank(m.slice(pre.length)));
  const lines = code.split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/(['"`])((?:\\.|(?!\1).)*)\1/g))
      if (CJK.test(m[2] ?? '')) findings.push({ line: i + 1, text: m[0] });
  });
  return findings;
}

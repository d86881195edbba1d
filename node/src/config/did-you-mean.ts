/**
 * The "did you mean" hint of a configuration problem (docs/conventions.md §Configuration): the one
 * word a mistyped key, link id or next hop most likely meant, among those valid at that place.
 *
 * Words are ranked by Damerau–Levenshtein distance in its optimal-string-alignment form:
 * inserting, deleting or changing a character, or swapping two neighbours, costs one edit each.
 * The swap matters: with plain Levenshtein `bnid` is two edits from both `bind` and `id`, and the
 * shorter, wrong one could win; here `bind` is one edit away. Case, `_` and `-` are ignored
 * (`hop-limit` means `hop_limit`). A word is close enough at a third of its length in edits, at
 * least one (`lgo` → `log`, `neighbors` → `neighbours`); anything further gets no hint, since a
 * far-fetched guess misleads more than none. On a tie the word listed first wins.
 */

/** Longer words get no hint: they are not typos of a key, and the distance is quadratic. */
const MAX_WORD = 64;

const normal = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

/** The word of `known` closest to `word`, if one is close enough. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = normal(word);
  if (w.length > MAX_WORD) return undefined;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(w.length / 3)) + 1;
  for (const k of known) {
    const n = normal(k);
    // At least this many edits apart: no need to count them (and no long word is ever measured).
    if (Math.abs(n.length - w.length) >= bestDistance) continue;
    const d = distance(w, n);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** ` (did you mean bind?)`, or nothing when no word of `known` is close enough. */
export function didYouMean(word: string, known: readonly string[]): string {
  const hint = closest(word, known);
  return hint === undefined ? '' : ` (did you mean ${hint}?)`;
}

/** Optimal-string-alignment distance: edits, a swap of two neighbours counting as one. */
export function distance(a: string, b: string): number {
  const width = b.length + 1;
  // d[i * width + j]: the distance between the first i characters of a and the first j of b.
  const d = new Uint16Array((a.length + 1) * width);
  const at = (i: number, j: number) => d[i * width + j] as number;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    d[i * width] = i;
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(
        at(i - 1, j) + 1,
        at(i, j - 1) + 1,
        at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return d[a.length * width + b.length] as number;
}

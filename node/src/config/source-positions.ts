/**
 * Where each key path of a configuration file stands in its text (docs/conventions.md
 * §Configuration), so that a problem says `line:column` beside its path: `links[0].bnid` is the
 * key `bnid` of the first item of `links`, and `9:5` is where that key is written.
 *
 * The paths are made as the reader makes them (`a.b`, `a[0]`), from the parsed YAML document, so
 * a JSON file (which is YAML) gets them too. A key or item stands where it starts; a path the file
 * does not hold (a required key left out) stands where the nearest mapping or list around it
 * does, which is where it goes. The top level, and what does not come from the file at all (the
 * environment, a default), has no place.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import { joinPath, type Locator } from './reader.js';

/** The last `.key` or `[i]` of a path, to find the path around it. */
const LAST_STEP = /(?:\.[^.[\]]*|\[\d+\])$/;

export class SourcePositions implements Locator {
  readonly #offsets = new Map<string, number>();

  /** `doc` parsed with `lines` as its line counter (yaml's `lineCounter` option). */
  constructor(
    doc: Document,
    private readonly lines: LineCounter,
  ) {
    this.#walk(doc.contents, '');
  }

  at(path: string): string | undefined {
    for (let p = path; p !== ''; ) {
      const offset = this.#offsets.get(p);
      if (offset !== undefined) {
        const { line, col } = this.lines.linePos(offset);
        return `${line}:${col}`;
      }
      const up = p.replace(LAST_STEP, '');
      if (up === p) return undefined;
      p = up;
    }
    return undefined;
  }

  #walk(node: unknown, path: string): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        // Keys are plain text in a configuration file; anything else has no path to find.
        if (!isScalar(pair.key) || pair.key.range == null) continue;
        const at = joinPath(path, String(pair.key.value));
        if (!this.#offsets.has(at)) this.#offsets.set(at, pair.key.range[0]);
        this.#walk(pair.value, at);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const at = `${path}[${i}]`;
        const range = (item as { range?: readonly number[] | null } | null)?.range;
        if (range?.[0] !== undefined) this.#offsets.set(at, range[0]);
        this.#walk(item, at);
      });
    }
  }
}

/**
 * The repository stands on its own (docs/architecture.md): every document a source comment names is
 * in the repository, and every section it cites with `docs/FILE.md §N` or `§Title` exists there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './import-graph.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
/** Comments may wrap a path after a hyphen: "docs/store-and-\n * forward.md". */
const unwrap = (text: string) => text.replace(/-\n\s*\*\s*/g, '-');

function headingsOf(doc: string): { numbers: Set<string>; titles: string[] } {
  const text = readFileSync(join(repo, doc), 'utf8');
  const numbers = new Set<string>();
  const titles: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const title = (m[1] as string).trim();
    titles.push(title.toLowerCase());
    const n = /^§?(\d+(?:\.\d+)*)\.?\s/.exec(title);
    if (n) numbers.add(n[1] as string);
  }
  return { numbers, titles };
}

// This folder's own files name documents as examples.
const files = sourceFiles(repo)
  .filter((f) => !f.startsWith('node/test/architecture/'))
  .map((f) => ({ file: f, text: unwrap(readFileSync(join(repo, f), 'utf8')) }));

describe('documents cited by the code', () => {
  it('are all in the repository', () => {
    const missing: string[] = [];
    for (const { file, text } of files) {
      for (const m of text.matchAll(/\b((?:[\w.-]+\/)*[\w-]+\.md)\b/g)) {
        const doc = m[1] as string;
        const path = doc.startsWith('docs/') || doc === 'README.md' ? doc : undefined;
        if (path === undefined) missing.push(`${file}: ${doc}`);
        else {
          try {
            readFileSync(join(repo, path));
          } catch {
            missing.push(`${file}: ${doc}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('cite numbered sections that exist', () => {
    const docs = new Map<string, ReturnType<typeof headingsOf>>();
    const missing: string[] = [];
    let checked = 0;
    for (const { file, text } of files) {
      for (const m of text.matchAll(/(docs\/[\w-]+\.md)\s+§(\d+(?:\.\d+)*)/g)) {
        const doc = m[1] as string;
        const section = m[2] as string;
        let h = docs.get(doc);
        if (h === undefined) {
          h = headingsOf(doc);
          docs.set(doc, h);
        }
        checked++;
        // §8.8 is cited as a whole; §0 items and sub-items like §7.4 item 3 are within a heading.
        if (!h.numbers.has(section)) missing.push(`${file}: ${doc} §${section}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});

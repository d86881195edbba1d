/**
 * The project's import graph, read from the source text (docs/architecture.md §The dependency
 * rule): every `import … from`, `export … from`, `import type` and `import()` of a relative path,
 * resolved to a file of the repository. Comments and string contents are skipped, so a comment that
 * mentions an import is not one. Only relative specifiers are ours; anything else is a package.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ImportEdge {
  /** Repository-relative paths, with forward slashes. */
  from: string;
  to: string;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
  /** `import()`: loaded when called, not when the importer loads. */
  lazy: boolean;
  line: number;
}

const SOURCE_ROOTS = ['node', 'radio', 'satellite', 'firmware-config', 'bench', 'ui/src'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);

/** Every .ts file under the source roots, repository-relative. */
export function sourceFiles(repo: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (SKIP_DIRS.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) out.push(relative(repo, path).split('\\').join('/'));
    }
  };
  for (const root of SOURCE_ROOTS) walk(join(repo, root));
  return out.sort();
}

/**
 * The source with comments blanked out (kept as spaces and newlines, so line numbers hold) and
 * string and template contents left alone: the import specifiers are strings.
 */
export function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const STATIC = /(^|[\s;}])(import|export)\s+(type\s+)?[^'"`;]*?\sfrom\s*(['"])(\.{1,2}\/[^'"]+)\4/g;
const BARE = /(^|[\s;}])import\s*(['"])(\.{1,2}\/[^'"]+)\2/g;
const DYNAMIC = /import\s*\(\s*(['"`])(\.{1,2}\/[^'"`]+)\1\s*[,)]/g;
/** `require('…')`, `import x = require('…')`, `createRequire(…)('…')`: loaded when reached. */
const REQUIRE = /(?:\brequire|\))\s*\(\s*(['"`])(\.{1,2}\/[^'"`]+)\1\s*\)/g;

export type FoundImport = Omit<ImportEdge, 'to'> & { spec: string };

/** The relative imports of one file's text. */
export function importsOf(file: string, text: string): FoundImport[] {
  const code = withoutComments(text);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const found: FoundImport[] = [];
  // Each form: its pattern, which group holds the specifier, whether it is lazy, and (static
  // imports) which group says `type`.
  const forms: Array<[RegExp, number, boolean, number?]> = [
    [STATIC, 5, false, 3],
    [BARE, 3, false],
    [DYNAMIC, 2, true],
    [REQUIRE, 2, false],
  ];
  for (const [pattern, specGroup, lazy, typeGroup] of forms) {
    for (const m of code.matchAll(pattern)) {
      const typeOnly = typeGroup !== undefined && m[typeGroup] !== undefined;
      found.push({ from: file, spec: m[specGroup] as string, typeOnly, lazy, line: lineAt(m.index ?? 0) });
    }
  }
  return found;
}

/** Every relative import of every source file, resolved to a repository-relative path. */
export function importGraph(repo: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(repo)) {
    const text = readFileSync(join(repo, file), 'utf8');
    for (const { spec, ...edge } of importsOf(file, text)) {
      const target = resolve(repo, dirname(file), spec.replace(/\.js$/, '.ts'));
      edges.push({ ...edge, to: relative(repo, target).split('\\').join('/') });
    }
  }
  return edges;
}

/** The import cycles: each strongly connected group of more than one file (or a self-import). */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's strongly connected components, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; i: number };
      const succ = next.get(top.node) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          group.push(w);
        } while (w !== top.node);
        const selfLoop = group.length === 1 && succ.includes(top.node);
        if (group.length > 1 || selfLoop) groups.push(group.sort());
      }
    }
  }
  return groups;
}

/**
 * How many bytes a phone downloads to show the first view (docs/ui.md §Sizes): the page, the
 * scripts and styles it loads before anything is drawn (its entry, the chunks it preloads, its
 * stylesheets, the Chinese catalogue inside them), as they travel gzipped, and, apart, the English
 * catalogue fetched only when English is chosen. Reads a build in dist/ui (or the directory
 * given); prints a table, then JSON.
 *
 *   npm run build:ui && node ui/build/first-view-size.mjs [dir]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist/ui';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);

function sizes(file) {
  const raw = statSync(join(dir, file)).size;
  let gz;
  try {
    gz = statSync(join(dir, `${file}.gz`)).size;
  } catch {
    gz = gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  }
  return { file, raw, gz };
}

const first = [sizes('index.html'), ...refs.map(sizes)];
const english = readdirSync(join(dir, 'assets'))
  .filter((f) => /^en-.*\.js$/.test(f))
  .map((f) => sizes(`assets/${f}`));
const total = first.reduce((a, r) => ({ raw: a.raw + r.raw, gz: a.gz + r.gz }), { raw: 0, gz: 0 });
const all = readdirSync(join(dir, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => sizes(`assets/${f}`))
  .reduce((a, r) => ({ raw: a.raw + r.raw, gz: a.gz + r.gz }), { raw: 0, gz: 0 });

const row = (name, raw, gz) => `${name.padEnd(44)} ${String(raw).padStart(8)} ${String(gz).padStart(8)}`;
console.log(row('first view', 'bytes', 'gzip'));
for (const r of first) console.log(row(r.file, r.raw, r.gz));
console.log(row('total', total.raw, total.gz));
for (const r of english) console.log(row(`${r.file} (English, on demand)`, r.raw, r.gz));
console.log(row('every script and style of the UI', all.raw, all.gz));
console.log(JSON.stringify({ firstView: { files: first, ...total }, english, allAssets: all }));

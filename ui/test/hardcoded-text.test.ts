/**
 * No text a person reads is written into the UI's code: every string comes from the catalogues
 * (docs/ui.md §Language and look). The finder is tried first on samples it must catch and must
 * pass, then run over every component and module of ui/src.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hardCodedMarkup, hardCodedScript } from './hardcoded-text.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('the hard-coded text finder', () => {
  it('catches words in markup and in read attributes, in either language', () => {
    const sample = [
      '<script lang="ts">const x = 1;</script>',
      '<h1>报灾</h1>',
      '<p>{t("a")} Send now</p>',
      '<button aria-label="Close" title="关闭">{t("x")}</button>',
      '<input placeholder="例如" />',
    ].join('\n');
    expect(hardCodedMarkup(sample).map((f) => f.text)).toEqual([
      '报灾',
      'Send now',
      'aria-label="Close"',
      'title="关闭"',
      'placeholder="例如"',
    ]);
  });

  it('passes code, punctuation, numbers and technical attributes', () => {
    // The samples are Svelte markup, whose `${…}` are meant: built from parts so no string holds one.
    const $ = '$';
    const sample = [
      `<script lang="ts">const s = \`a ${$}{b} c\`;</script>`,
      '<style>.a { color: red; }</style>',
      '<!-- 说明 comment -->',
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor"><path d={PATHS[name]} /></svg>',
      `<p>{t(\`ind.${$}{name}\`, { n: \`${$}{a}\` })} · {b}: 3%</p>`,
      `<span class="muted">{x ? \`: ${$}{y}\` : ''}</span>`,
      '{#if a}<br />{/if}',
    ].join('\n');
    expect(hardCodedMarkup(sample)).toEqual([]);
  });

  it('catches Chinese in script strings but not in comments', () => {
    const $ = '$';
    const sample = [
      '// 注释 is fine',
      '/* 也可以 */',
      "const a = 'ok';",
      "const b = '发送';",
      `const c = \`（${$}{u}）\`;`,
    ].join('\n');
    expect(hardCodedScript(sample).map((f) => f.line)).toEqual([4, 5]);
  });
});

describe('the UI', () => {
  const all = files(src);

  it('has no text in its components that is not from the catalogue', () => {
    const found = all
      .filter((f) => f.endsWith('.svelte'))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return [...hardCodedMarkup(text), ...hardCodedScript(text)].map(
          (x) => `${relative(src, f)}:${x.line} ${x.text}`,
        );
      });
    expect(found).toEqual([]);
  });

  it('has no Chinese in its modules outside the catalogues', () => {
    const found = all
      .filter((f) => f.endsWith('.ts') && !f.includes(`${join(src, 'i18n')}`) && !f.endsWith('.test.ts'))
      .flatMap((f) =>
        hardCodedScript(readFileSync(f, 'utf8')).map((x) => `${relative(src, f)}:${x.line} ${x.text}`),
      );
    expect(found).toEqual([]);
  });
});

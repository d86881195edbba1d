/**
 * The two catalogues (docs/ui.md §Language and look): the same keys and placeholders in both, no
 * empty Chinese string, every key the code asks for present, and the names of indicators, hazards,
 * roles, 四断, needs and warning events as the domain and the wire name them, so that the form never
 * offers a figure the wire cannot carry or calls it by another name. The warning views' part
 * (warnings-zh-CN.ts, warnings-en.ts) is held to the same, and the code outside those views asks
 * only for keys of the main catalogue, which the first view carries (docs/ui.md §Warnings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../node/src/domain/roster/roles.js';
import { EVENT_CODES } from '../../../node/src/wire/codes/event-codes.js';
import { HAZARD_TYPES } from '../../../node/src/wire/codes/hazard-types.js';
import { INDICATORS } from '../../../node/src/wire/codes/indicators.js';
import { CUTS, NEEDS } from '../../../node/src/wire/kinds/report.js';
import { en } from './en.js';
import { warningsEn } from './warnings-en.js';
import { warningsZhCN } from './warnings-zh-CN.js';
import { zhCN } from './zh-CN.js';

const mainZh: Record<string, string> = zhCN;
const zh: Record<string, string> = { ...zhCN, ...warningsZhCN };
const english: Record<string, string> = { ...en, ...warningsEn };
/** The files loaded with the warning views' strings (views/WarningsRoute.svelte), by name. */
const WITH_WARNINGS_PART = new Set([
  'WarningsRoute.svelte',
  'Warnings.svelte',
  'Warning.svelte',
  'CallBoard.svelte',
  'WarningForm.svelte',
  'WarningCard.svelte',
  'UnansweredList.svelte',
]);
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** English has no word for these measure words: the number stands alone. */
const EMPTY_IN_ENGLISH = new Set(['unit.座', 'unit.所']);

describe('the catalogues', () => {
  it('have the same keys', () => {
    expect(Object.keys(english).sort()).toEqual(Object.keys(zh).sort());
    expect(Object.keys(warningsEn).sort()).toEqual(Object.keys(warningsZhCN).sort());
  });

  it('keep each key in one part only', () => {
    expect(Object.keys(warningsZhCN).filter((k) => k in zhCN)).toEqual([]);
  });

  it('have the same placeholders for each key', () => {
    const differ = Object.keys(zh).filter(
      (k) => placeholders(zh[k] ?? '').join() !== placeholders(english[k] ?? '').join(),
    );
    expect(differ).toEqual([]);
  });

  it('leave nothing empty', () => {
    expect(Object.keys(zh).filter((k) => zh[k] === '')).toEqual([]);
    expect(Object.keys(english).filter((k) => english[k] === '' && !EMPTY_IN_ENGLISH.has(k))).toEqual([]);
  });

  it('name every indicator as the quick-report form does, and every unit', () => {
    for (const d of INDICATORS) {
      expect(zh[`ind.${d.name}`], d.name).toBe(d.zh);
      expect(english[`ind.${d.name}`], d.name).toBeTruthy();
      expect(zh[`unit.${d.unit}`], d.unit).toBeDefined();
    }
  });

  it('name every hazard as the wire table does', () => {
    for (const h of HAZARD_TYPES) {
      const label = zh[`hazard.${h.name}`];
      expect(label, h.name).toBeDefined();
      // Sub-types read '洪涝/山洪' in the table; a button says '山洪'.
      expect(h.zh.endsWith(label as string), h.name).toBe(true);
      expect(english[`hazard.${h.name}`], h.name).toBeTruthy();
    }
  });

  it('name every role as the roster does', () => {
    for (const r of Object.values(ROLES)) {
      expect(zh[`role.${r.code}`]).toBe(r.zh);
      expect(english[`role.${r.code}`]).toBe(r.en);
    }
  });

  it('name every warning event as the wire table does', () => {
    for (const [code, name, english_] of EVENT_CODES) {
      expect(zh[`event.${code}`], code).toBe(name);
      expect(english[`event.${code}`]?.toLowerCase(), code).toBe(english_.toLowerCase());
    }
  });

  it('name every 四断 and every need', () => {
    for (const c of CUTS) expect(zh[`cut.${c}`], c).toBeDefined();
    for (const n of NEEDS) expect(zh[`need.${n}`], n).toBeDefined();
  });

  it('hold every key the code asks for', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const asked = new Set<string>();
    const prefixes = new Set<string>();
    /** Asked by code the first view or the alarm may run, before the warning views' part is loaded. */
    const askedEarly = new Set<string>();
    const prefixesEarly = new Set<string>();
    for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
      if (!e.isFile() || !/\.(svelte|ts)$/.test(e.name) || e.name.endsWith('.test.ts')) continue;
      const text = readFileSync(join(e.parentPath, e.name), 'utf8');
      const early = !WITH_WARNINGS_PART.has(e.name);
      for (const m of text.matchAll(/\bt\(\s*'([\w.\-\u4e00-\u9fff]+)'/g)) {
        asked.add(m[1] as string);
        if (early) askedEarly.add(m[1] as string);
      }
      for (const m of text.matchAll(/\bt\(\s*`([\w.-]+)\$\{/g)) {
        prefixes.add(m[1] as string);
        if (early) prefixesEarly.add(m[1] as string);
      }
    }
    expect(asked.size).toBeGreaterThan(100);
    expect([...asked].filter((k) => !(k in zh))).toEqual([]);
    expect([...prefixes].filter((p) => !Object.keys(zh).some((k) => k.startsWith(p)))).toEqual([]);
    expect([...askedEarly].filter((k) => !(k in mainZh))).toEqual([]);
    expect([...prefixesEarly].filter((p) => !Object.keys(mainZh).some((k) => k.startsWith(p)))).toEqual([]);
  });
});

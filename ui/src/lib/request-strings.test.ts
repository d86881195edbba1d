/**
 * The request views' catalogue (ui/src/i18n/requests-zh-CN.ts, requests-en.ts): the same keys and
 * placeholders in both languages, nothing empty, every key the views ask for present, and a name
 * for every request type, urgency and status the wire and the domain have.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REQUEST_STATUSES } from '../../../node/src/domain/requests/request-status.js';
import { SUPPLY_ITEMS } from '../../../node/src/wire/codes/supply-items.js';
import { REQUEST_TYPES, REQUEST_URGENCIES } from '../../../node/src/wire/kinds/request.js';
import { requestsEn } from '../i18n/requests-en.js';
import { requestsZhCN } from '../i18n/requests-zh-CN.js';

const zh: Record<string, string> = requestsZhCN;
const en: Record<string, string> = requestsEn;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the request views’ catalogue', () => {
  it('has the same keys and placeholders in Chinese and English, no empty string', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    expect(
      Object.keys(zh).filter((k) => placeholders(zh[k] ?? '').join() !== placeholders(en[k] ?? '').join()),
    ).toEqual([]);
    expect(Object.keys(zh).filter((k) => zh[k] === '' || en[k] === '')).toEqual([]);
  });

  it('names every type, urgency, status and supply item', () => {
    for (const [, name, zhName] of SUPPLY_ITEMS) expect(zh[`rq.supply.${name}`]).toBe(zhName);
    for (const v of REQUEST_TYPES) expect(zh).toHaveProperty([`rq.type.${v}`]);
    for (const v of REQUEST_URGENCIES) expect(zh).toHaveProperty([`rq.urgency.${v}`]);
    for (const v of REQUEST_STATUSES) expect(zh).toHaveProperty([`rq.status.${v}`]);
    for (const v of REQUEST_STATUSES.filter((s) => s !== 'requested'))
      expect(zh).toHaveProperty([`rq.step.${v}`]);
  });

  it('holds every literal key the views ask for', () => {
    const dir = new URL('../views/', import.meta.url);
    const files = readdirSync(dir).filter((f) => /^(Request|Sos)/.test(f));
    const asked = files.flatMap((f) =>
      [...readFileSync(new URL(f, dir), 'utf8').matchAll(/rt\('([\w.]+)'/g)].map((m) => m[1] as string),
    );
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.filter((k) => !(k in zh))).toEqual([]);
  });
});

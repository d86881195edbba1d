/**
 * The centre's kit board as the page keeps it (kit-health.ts; docs/ui.md §Kits at the centre): the
 * order it shows the kits in, a stream event merged without moving a kit back, the battery's trend
 * from its readings, who may replace a lost kit; and its catalogue (kits-zh-CN.ts, kits-en.ts): the
 * same keys and placeholders in both, and every key the view asks for present.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOCK_SOURCE_CODES, LINK_KIND_CODES } from '../../../node/src/wire/kinds/health.js';
import { KIND_NAMES } from '../../../node/src/wire/kinds.js';
import { kitsEn } from '../i18n/kits-en.js';
import { kitsZhCN } from '../i18n/kits-zh-CN.js';
import {
  actionsFor,
  boardOrder,
  chargeTrend,
  countsOf,
  type KitView,
  mergeKit,
  replacementsFor,
  span,
} from './kit-health.js';

const VILLAGE = 430121101201;
const H = 3_600_000;

function kit(id: number, over: Partial<KitView> = {}): KitView {
  return { id, area: VILLAGE, enrolled: true, state: 'ok', allowedSilenceMs: 1_860_000, alerts: [], ...over };
}

describe('the kit board in the page', () => {
  it('shows alerts first, the oldest first, then never heard, well, revoked', () => {
    const list = [
      kit(1, { state: 'revoked', revoked: { at: 5, by: 'system', control: '1/9' } }),
      kit(2),
      kit(3, { state: 'alert', alerts: [{ kind: 'silent', since: 200, lastHeard: 100, allowedMs: 60 }] }),
      kit(4, { state: 'never-heard' }),
      kit(5, { state: 'alert', alerts: [{ kind: 'battery', since: 150, percent: 20, low: true }] }),
    ];
    expect(boardOrder(list).map((k) => k.id)).toEqual([5, 3, 4, 2, 1]);
    expect(countsOf(list)).toEqual({ total: 5, alert: 2, ok: 1, never: 1, revoked: 1 });
  });

  it('merges a kit the stream says changed, never moving it back, and keeps its charge history', () => {
    const history = [{ at: 1, percent: 80, charging: false, power: 'battery' }];
    const shown = [kit(2107, { lastHeard: { at: 500, msg: '2107/9', kind: 'health' }, history })];
    const newer = kit(2107, {
      state: 'alert',
      lastHeard: { at: 600, msg: '2107/10', kind: 'report' },
      alerts: [{ kind: 'battery', since: 600, percent: 20, low: true }],
    });
    const merged = mergeKit(shown, newer);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ state: 'alert', lastHeard: { at: 600 }, history });
    const older = kit(2107, { lastHeard: { at: 400, msg: '2107/8', kind: 'health' } });
    expect(mergeKit(merged, older)[0]?.lastHeard?.at).toBe(600);
    const revoked = mergeKit(merged, {
      ...newer,
      state: 'revoked',
      revoked: { at: 700, by: 9, control: '1/3' },
    });
    // A late event from before the revocation does not undo it on the page.
    expect(mergeKit(revoked, newer)[0]?.state).toBe('revoked');
    expect(mergeKit(merged, kit(2111)).map((k) => k.id)).toEqual([2107, 2111]);
  });

  it('draws the trend through the readings since the battery last charged', () => {
    const history = [
      { at: 0, percent: 40, charging: false, power: 'battery' },
      { at: H, percent: 60, charging: true, power: 'solar' },
      { at: 2 * H, percent: 70, charging: false, power: 'battery' },
      { at: 4 * H, percent: 60, charging: false, power: 'battery' },
    ];
    expect(chargeTrend(kit(1, { history }))).toBe(-5);
    expect(chargeTrend(kit(1, { history: history.slice(0, 3) }))).toBeUndefined();
    expect(
      chargeTrend(
        kit(1, { history, alerts: [{ kind: 'battery', since: 1, percent: 60, low: false, perHour: -7.5 }] }),
      ),
    ).toBe(-7.5);
  });

  it('offers as a replacement only a kit enrolled for the same area, not revoked nor taken', () => {
    const lost = kit(2107, { state: 'revoked', revoked: { at: 1, by: 9, control: '1/2' } });
    const list = [
      lost,
      kit(2111),
      kit(2112, { area: 430121101202 }),
      kit(2113, { enrolled: false }),
      kit(2114, { replaces: 2000 }),
      kit(2115, { state: 'revoked', revoked: { at: 1, by: 9, control: '1/3' } }),
    ];
    expect(replacementsFor(lost, list).map((k) => k.id)).toEqual([2111]);
    expect(actionsFor(lost)).toEqual({ revoke: false, replace: true, handover: false });
    expect(actionsFor(kit(2111))).toEqual({ revoke: true, replace: false, handover: false });
    expect(actionsFor({ ...lost, replacedBy: { kit: 2111, at: 2, incidents: [] } })).toEqual({
      revoke: false,
      replace: false,
      handover: true,
    });
  });

  it('words a span in seconds, minutes, hours and minutes, or days', () => {
    expect(span(59_999)).toEqual({ unit: 's', n: 59 });
    expect(span(31 * 60_000)).toEqual({ unit: 'm', n: 31 });
    expect(span(3 * H + 5 * 60_000)).toEqual({ unit: 'h', n: 3, m: 5 });
    expect(span(50 * H)).toEqual({ unit: 'd', n: 2 });
    expect(span(-5)).toEqual({ unit: 's', n: 0 });
  });
});

describe('the kit view’s catalogue', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('has the same keys and placeholders in Chinese and English, no empty string', () => {
    expect(Object.keys(kitsEn).sort()).toEqual(Object.keys(kitsZhCN).sort());
    for (const [key, zh] of Object.entries(kitsZhCN)) {
      expect(zh, key).not.toBe('');
      expect(placeholders(kitsEn[key as keyof typeof kitsEn]), key).toEqual(placeholders(zh));
    }
  });

  it('holds every key the view asks for', () => {
    const view = readFileSync(new URL('../views/KitHealth.svelte', import.meta.url), 'utf8');
    const asked = [...view.matchAll(/kt\('([\w.-]+)'/g)].map((m) => m[1] as string);
    expect(asked.length).toBeGreaterThan(30);
    for (const key of asked) expect(kitsZhCN, key).toHaveProperty([key]);
    for (const state of ['ok', 'alert', 'never-heard', 'revoked'])
      expect(kitsZhCN).toHaveProperty([`kits.state.${state}`]);
  });

  it('names every message kind the wire has, every link kind and clock source a health message codes', () => {
    for (const kind of KIND_NAMES) expect(kitsZhCN).toHaveProperty([`kits.msgKind.${kind}`]);
    for (const kind of LINK_KIND_CODES) expect(kitsZhCN).toHaveProperty([`kits.link.${kind}`]);
    for (const source of CLOCK_SOURCE_CODES) expect(kitsZhCN).toHaveProperty([`kits.clockSource.${source}`]);
  });
});

/**
 * The centre's kit board as the page keeps it live (docs/ui.md §Kits at the centre; docs/kits.md
 * §The kit board, §When the centre is alerted): the kits read once, then each `kit` event of the
 * stream replaces its kit; shown alerts first (the oldest alert first), then the kits never heard,
 * the well ones, and the revoked last. Pure: the view calls it, and its tests check it without a
 * browser.
 */
import type { KitView } from '../../../node/src/http/kits-service.js';

export type { KitView };
export type KitAlertView = KitView['alerts'][number];

const ORDER: Readonly<Record<KitView['state'], number>> = { alert: 0, 'never-heard': 1, ok: 2, revoked: 3 };

/** Alerts first, the longest standing first; then never heard, well, revoked; by id within each. */
export function boardOrder(kits: readonly KitView[]): KitView[] {
  return [...kits].sort(
    (a, b) => ORDER[a.state] - ORDER[b.state] || oldestAlert(a) - oldestAlert(b) || a.id - b.id,
  );
}

function oldestAlert(k: KitView): number {
  return k.alerts.reduce((m, a) => Math.min(m, a.since), Number.POSITIVE_INFINITY);
}

/**
 * A kit the stream says changed, merged into what is shown: it replaces its own entry (or joins
 * the list), keeping the charge history the list's kit had when the event has none. A kit's view
 * carries the time it was last heard; an event older than what is shown does not move it back.
 */
export function mergeKit(kits: readonly KitView[], next: KitView): KitView[] {
  const old = kits.find((k) => k.id === next.id);
  if (old !== undefined && isOlder(next, old)) return boardOrder(kits);
  const merged: KitView =
    old?.history !== undefined && next.history === undefined ? { ...next, history: old.history } : next;
  return boardOrder([...kits.filter((k) => k.id !== next.id), merged]);
}

function isOlder(next: KitView, old: KitView): boolean {
  // Revocation and replacement only ever add: a view without them, over one with them, is stale.
  if (old.revoked !== undefined && next.revoked === undefined) return true;
  if (old.replacedBy !== undefined && next.replacedBy === undefined) return true;
  return (next.lastHeard?.at ?? 0) < (old.lastHeard?.at ?? 0);
}

export interface BoardCounts {
  total: number;
  alert: number;
  ok: number;
  never: number;
  revoked: number;
}

export function countsOf(kits: readonly KitView[]): BoardCounts {
  const c: BoardCounts = { total: kits.length, alert: 0, ok: 0, never: 0, revoked: 0 };
  for (const k of kits) {
    if (k.state === 'alert') c.alert++;
    else if (k.state === 'ok') c.ok++;
    else if (k.state === 'never-heard') c.never++;
    else c.revoked++;
  }
  return c;
}

/** A span as the board words it: seconds, minutes, hours and minutes, or days. */
export type Span =
  | { unit: 's'; n: number }
  | { unit: 'm'; n: number }
  | { unit: 'h'; n: number; m: number }
  | { unit: 'd'; n: number };

export function span(ms: number): Span {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return { unit: 's', n: s };
  const min = Math.floor(s / 60);
  if (min < 60) return { unit: 'm', n: min };
  const h = Math.floor(min / 60);
  if (h < 48) return { unit: 'h', n: h, m: min % 60 };
  return { unit: 'd', n: Math.floor(h / 24) };
}

/**
 * How the battery moves, percent an hour (negative while it falls), from the kit's recent readings
 * while on its battery and not charging (as the centre draws its own line: docs/kits.md §When the
 * centre is alerted), or from its battery alert; undefined with fewer than two such readings.
 */
export function chargeTrend(kit: KitView): number | undefined {
  const alert = kit.alerts.find((a) => a.kind === 'battery');
  if (alert?.kind === 'battery' && alert.perHour !== undefined) return alert.perHour;
  const h = kit.history ?? [];
  let from = h.length;
  while (from > 0 && !(h[from - 1] as (typeof h)[number]).charging) from--;
  const run = h.slice(from);
  if (run.length < 2) return undefined;
  const first = run[0] as (typeof run)[number];
  const last = run[run.length - 1] as (typeof run)[number];
  const hours = (last.at - first.at) / 3_600_000;
  if (hours <= 0) return undefined;
  return Math.round(((last.percent - first.percent) / hours) * 10) / 10;
}

/** The kits that may carry on for `lost`: enrolled for its area, not revoked nor replaced, not itself. */
export function replacementsFor(lost: KitView, kits: readonly KitView[]): KitView[] {
  return kits.filter(
    (k) =>
      k.id !== lost.id &&
      k.enrolled &&
      k.revoked === undefined &&
      k.replacedBy === undefined &&
      k.replaces === undefined &&
      (lost.area === undefined || k.area === lost.area),
  );
}

/** What the duty officer may do about a kit now. */
export function actionsFor(kit: KitView): { revoke: boolean; replace: boolean; handover: boolean } {
  return {
    revoke: kit.revoked === undefined && kit.enrolled,
    replace: kit.revoked !== undefined && kit.replacedBy === undefined,
    handover: kit.replacedBy !== undefined,
  };
}

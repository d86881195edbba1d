/**
 * The roster's names of areas (GET /api/areas: docs/api.md §The board), read once per page and
 * shared by the warning views and the issue form (docs/ui.md §Warnings), so that areas are shown
 * by name (青龙村), their code only where the roster has none. A failed read is not kept: the next
 * view asks again.
 */
import { parentArea } from '../../../node/src/domain/roster/area-code.js';
import type { ApiClient } from './api-client.js';
import type { AreasReply } from './api-types.js';

let asked: Promise<AreasReply['items']> | undefined;

/** The areas the roster names, by code order; [] when the kit cannot say (no permission, an older kit). */
export function loadAreas(api: Pick<ApiClient, 'get'>): Promise<AreasReply['items']> {
  asked ??= api.get<AreasReply>('/api/areas').then(
    (r) => [...r.items].sort((a, b) => a.code - b.code),
    () => {
      asked = undefined;
      return [];
    },
  );
  return asked;
}

/** Forgets what was read (after signing in as someone who may see more). */
export function forgetAreas(): void {
  asked = undefined;
}

/**
 * The areas in the order a form lists them, each with its depth: each area under the nearest listed
 * area that holds it (a village under its township: node/src/domain/roster/area-code.ts), siblings
 * by code.
 */
export function areaTree(
  items: readonly { code: number; name: string }[],
): Array<{ code: number; name: string; depth: number }> {
  const codes = new Set(items.map((a) => a.code));
  const parentOf = (code: number): number | undefined => {
    for (let p = parentArea(code); p !== undefined; p = parentArea(p)) if (codes.has(p)) return p;
    return undefined;
  };
  const children = new Map<number | undefined, Array<{ code: number; name: string }>>();
  for (const a of [...items].sort((x, y) => x.code - y.code)) {
    const p = parentOf(a.code);
    children.set(p, [...(children.get(p) ?? []), a]);
  }
  const out: Array<{ code: number; name: string; depth: number }> = [];
  const walk = (parent: number | undefined, depth: number) => {
    for (const a of children.get(parent) ?? []) {
      out.push({ code: a.code, name: a.name, depth });
      walk(a.code, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

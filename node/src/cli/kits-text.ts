/**
 * The kit board as `fieldnode kits list` prints it (docs/kits.md §From the command line): one row
 * per kit, those with alerts first, each alert on its own line under its row. Times are relative
 * ("12 min ago"), so they read the same in any zone; `--json` has the exact ones.
 */
import type { KitView } from '../http/kits-service.js';
import { table } from './text-table.js';

export function kitsText(kits: readonly KitView[], now: number): string {
  if (kits.length === 0) return 'no kits are enrolled (keys.nodes of the configuration)\n';
  const rows: string[][] = [['KIT', 'AREA', 'STATE', 'HEARD', 'BATTERY', 'LINKS', 'CLOCK', 'QUEUE']];
  const notes = new Map<number, string[]>();
  for (const k of kits) {
    const h = k.health;
    rows.push([
      String(k.id),
      k.areaName ?? (k.area === undefined ? '-' : String(k.area)),
      k.state,
      k.lastHeard === undefined ? 'never' : `${ago(now - k.lastHeard.at)} (${k.lastHeard.kind})`,
      h === undefined ? '-' : battery(h.power),
      h === undefined || h.links.length === 0
        ? '-'
        : h.links.map((l) => `${l.kind} ${l.up ? 'up' : l.state}`).join(', '),
      h === undefined ? '-' : `${h.clock.source}${h.clock.trusted ? '' : ' (not trusted)'}`,
      h?.queued === undefined ? '-' : String(h.queued),
    ]);
    const lines = k.alerts.map((a) =>
      a.kind === 'silent'
        ? `ALERT silent: nothing heard for ${ago(now - a.lastHeard, '')}, ${ago(a.allowedMs, '')} allowed`
        : `ALERT battery ${a.percent}%${a.low ? ' (low)' : ''}${a.cutoffAt === undefined ? '' : `, cut-off expected in ${ago(a.cutoffAt - now, '')}`}`,
    );
    if (k.revoked !== undefined)
      lines.push(`revoked ${ago(now - k.revoked.at)} by ${k.revoked.by} (control ${k.revoked.control})`);
    if (k.replacedBy !== undefined)
      lines.push(
        `replaced by kit ${k.replacedBy.kit}: ${k.replacedBy.incidents.length} open incidents handed over`,
      );
    if (k.replaces !== undefined) lines.push(`carries on for the lost kit ${k.replaces}`);
    if (lines.length > 0) notes.set(k.id, lines);
  }
  const out: string[] = [];
  const printed = table(rows);
  out.push(printed[0] as string);
  kits.forEach((k, i) => {
    out.push(printed[i + 1] as string);
    for (const line of notes.get(k.id) ?? []) out.push(`      ${line}`);
  });
  return `${out.join('\n')}\n`;
}

function battery(p: NonNullable<KitView['health']>['power']): string {
  const parts = [p.source];
  if (p.batteryPercent !== undefined) parts.push(`${p.batteryPercent}%`);
  if (p.batteryVolts !== undefined) parts.push(`${p.batteryVolts.toFixed(2)} V`);
  if (p.charging) parts.push('charging');
  return parts.join(' ');
}

/** "3 min ago", "2 h ago"; with `suffix` '' just the span. */
function ago(ms: number, suffix = ' ago'): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s${suffix}`;
  if (s < 3600) return `${Math.round(s / 60)} min${suffix}`;
  if (s < 86_400) return `${Math.round(s / 360) / 10} h${suffix}`;
  return `${Math.round(s / 8640) / 10} d${suffix}`;
}

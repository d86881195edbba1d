/**
 * The line the daemon logs, and tells systemd, once it runs (docs/operating.md §Starting and
 * stopping): how many of the links configured are actually up, and "degraded" when any enabled link
 * is down, naming each with its reason. Links that are down keep being retried by the supervisor;
 * this line says how the node started, the status shows how it goes on.
 */
import type { NodeStatus } from '../app-contract.js';
import type { Config } from '../config/schema.js';

export interface LinkDown {
  id: string;
  reason: string;
  detail?: string;
}

export interface RunningLine {
  /** `warn` when degraded. */
  level: 'info' | 'warn';
  msg: string;
  fields: {
    node: number;
    role: string;
    dataDir: string;
    links: { configured: number; enabled: number; up: number; down: LinkDown[]; disabled: string[] };
  };
  /** For sd_notify STATUS=, shown by `systemctl status`. */
  notify: string;
}

export function runningLine(config: Config, status: NodeStatus): RunningLine {
  const { id, role } = config.node;
  const disabled = config.links.filter((l) => !l.enabled).map((l) => l.id);
  const enabled = config.links.length - disabled.length;
  const down: LinkDown[] = [];
  let up = 0;
  for (const link of status.links) {
    const state = link.state as { status?: unknown; reason?: unknown; detail?: unknown } | null;
    if (state?.status === 'up') {
      up++;
      continue;
    }
    const reason = typeof state?.reason === 'string' ? state.reason : String(state?.status ?? 'unknown');
    down.push({
      id: link.id,
      reason,
      ...(typeof state?.detail === 'string' ? { detail: state.detail } : {}),
    });
  }
  const fields = {
    node: id,
    role,
    dataDir: config.dataDir,
    links: { configured: config.links.length, enabled, up, down, disabled },
  };
  const name = `node ${id} (${role})`;
  const off = disabled.length === 0 ? '' : `; ${disabled.length} disabled: ${disabled.join(', ')}`;
  if (config.links.length === 0)
    return {
      level: 'info',
      msg: 'fieldnode running: no links configured',
      fields,
      notify: `${name} running: no links`,
    };
  const count = `${up} of ${enabled} link${enabled === 1 ? '' : 's'} up`;
  if (down.length === 0)
    return {
      level: 'info',
      msg: `fieldnode running: ${count}${off}`,
      fields,
      notify: `${name} running: ${count}`,
    };
  const named = down.map((d) => `${d.id} (${d.reason}${d.detail === undefined ? '' : `: ${d.detail}`})`);
  return {
    level: 'warn',
    msg: `fieldnode running, degraded: ${count}; down: ${named.join(', ')}${off}`,
    fields,
    notify: `${name} running, degraded: ${count}; down: ${down.map((d) => `${d.id} (${d.reason})`).join(', ')}`,
  };
}

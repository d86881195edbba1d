/**
 * `fieldnode status [--config FILE | --data-dir DIR] [--json]`: asks the running daemon over its
 * control socket (node/src/daemon/control-socket.ts) and prints its links, queue and clock, and
 * what it keeps for the duty officer (docs/centre-doors.md §What the doors keep): how many payloads
 * are in foreign-payloads.jsonl, by reason, and the latest few. A link that cannot be built is
 * listed down with the reason; a centre satellite link that does not send says MT is off and why
 * (§A link that cannot start, §Receiving only).
 *
 * The socket is `control.socket` of the configuration with --config, else <data dir>/control.sock
 * (the data dir from --data-dir, $FIELDNODE_DATA_DIR or ./.fieldnode, as for `fieldnode keys`).
 * Exit 1 with a plain sentence when no daemon answers.
 */
import { join } from 'node:path';
import type { KeptStatus, NodeClockStatus, NodeStatus, StoreStatus } from '../app-contract.js';
import { KitError } from '../base/errors.js';
import { loadConfig } from '../config/load.js';
import { DEFAULTS } from '../config/schema.js';
import { ago, span } from '../core/trusted-clock.js';
import { queryStatus } from '../daemon/control-socket.js';
import { dataDir, parseOptions } from './args.js';
import { carrierText, printable } from './foreign-text.js';
import { iso, table } from './text-table.js';

export async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `status takes no arguments, got ${positionals.join(' ')}`);
  if (values.config !== undefined && values['data-dir'] !== undefined) {
    throw new KitError('CLI_USAGE', 'give --config or --data-dir, not both');
  }
  const socketPath =
    values.config === undefined
      ? join(dataDir(values['data-dir']), DEFAULTS.controlSocketName)
      : (await loadConfig(values.config)).control.socket;

  const result = await queryStatus(socketPath);
  if (!result.ok) {
    const why = {
      'no-daemon': `no fieldnode daemon answers on ${socketPath}. Is it running (\`fieldnode start\`, or \`systemctl status fieldnode\`)? Check --config or --data-dir.`,
      denied: `not allowed to use ${socketPath}: run this as the daemon's user (or root).`,
      timeout: `the daemon on ${socketPath} did not answer in time; it may be busy or stuck.`,
      protocol: `the daemon on ${socketPath} gave an unexpected answer`,
    }[result.reason];
    process.stderr.write(`fieldnode: ${why} (${result.detail})\n`);
    return 1;
  }
  process.stdout.write(
    values.json ? `${JSON.stringify(result.status, null, 2)}\n` : formatStatus(result.status),
  );
  return 0;
}

/** The status as a few lines for a person at a terminal. */
export function formatStatus(s: NodeStatus): string {
  const name = s.node.name === undefined ? '' : ` ${s.node.name}`;
  const lines = [
    `node    ${s.node.id} (${s.node.role})${name}, up ${duration(s.clock.now - s.startedAt)}`,
    clockLine(s.clock),
  ];
  if (s.links.length === 0) {
    lines.push('links   none');
  } else {
    const rows = [['LINK', 'KIND', 'STATE', 'SENT', 'RECEIVED', 'ERRORS']];
    for (const link of s.links)
      rows.push([link.id, link.kind, linkState(link.state), ...counters(link.counters)]);
    lines.push('links', ...table(rows).map((row) => `  ${row}`));
    for (const link of s.links)
      if (link.mt?.on === false) lines.push(`  ${link.id}: MT off, receiving only: ${link.mt.reason ?? '?'}`);
  }
  const queue = Object.entries(s.queue);
  lines.push(`queue   ${queue.length === 0 ? 'empty' : queue.map(([k, n]) => `${k} ${n}`).join('  ')}`);
  if (s.store !== undefined) lines.push(storeLine(s.store));
  if (s.kept !== undefined) lines.push(...keptLines(s.kept));
  return `${lines.join('\n')}\n`;
}

/**
 * What is kept for the duty officer: a count by reason, the latest few numbered as `fieldnode
 * foreign list` numbers them, and what the file had no room for. Sender and detail come from
 * outside (a stranger's claims): control characters are escaped.
 */
function keptLines(k: KeptStatus): string[] {
  if (k.count === 0 && k.notWritten === 0) return ['kept    nothing'];
  const reasons = Object.entries(k.byReason)
    .map(([reason, n]) => `${printable(reason)} ${n}`)
    .join(', ');
  const lines = [`kept    ${k.count} in ${k.file} (${reasons}); all of them: \`fieldnode foreign list\``];
  if (k.notWritten > 0)
    lines.push(`  ${k.notWritten} NOT written (the file is full or cannot be written): see the log`);
  const rows = k.latest.map((r) => [
    `#${r.n}`,
    iso(r.receivedAt),
    printable(r.link),
    printable(r.from ?? '-'),
    printable(r.reason),
    `${r.bytes} B`,
    carrierText(r.source),
    printable(r.detail),
  ]);
  if (rows.length > 0)
    lines.push(
      ...table([['N', 'WHEN', 'LINK', 'FROM', 'REASON', 'SIZE', 'CARRIER', 'DETAIL'], ...rows]).map(
        (row) => `  ${row}`,
      ),
    );
  return lines;
}

/**
 * The clock (docs/time.md §What the status shows): "trusted (gps, 3 min ago)", or "NOT trusted:"
 * and why; then how far the system clock is off, when that is a minute or more.
 */
function clockLine(c: NodeClockStatus): string {
  let text: string;
  if (c.trusted) {
    const age = c.since === undefined ? '' : `, ${ago(c.now - c.since)}`;
    text = `trusted (${c.source}${age})`;
  } else {
    text = c.why === undefined ? `NOT trusted (${c.source})` : `NOT trusted: ${c.why}`;
  }
  const off = c.offsetMs ?? 0;
  const system =
    Math.abs(off) < 60_000 ? '' : `; the system clock is ${span(off)} ${off > 0 ? 'behind' : 'ahead'}`;
  return `clock   ${iso(c.now)} ${text}${system}`;
}

/** The store: its size on disk, the retention, and what was pruned since the start. */
function storeLine(st: StoreStatus): string {
  const mb = (st.bytes / 2 ** 20).toFixed(1);
  const days = st.retentionMs / 86_400_000;
  const keep = days >= 1 ? `${Number(days.toFixed(1))} d` : `${Math.round(st.retentionMs / 3_600_000)} h`;
  return `store   ${mb} MB; ended messages kept ${keep}; pruned since start: ${st.pruned.messages} messages, ${st.pruned.tombstones} dedup records`;
}

/** A link state as `up since …` or `down: reason (detail) since …`; anything else as JSON. */
function linkState(state: unknown): string {
  const st = state as { status?: unknown; reason?: unknown; detail?: unknown; since?: unknown } | null;
  if (typeof st?.status !== 'string') return JSON.stringify(state) ?? '?';
  const reason = typeof st.reason === 'string' ? `: ${st.reason}` : '';
  const detail = typeof st.detail === 'string' ? ` (${st.detail})` : '';
  const since = typeof st.since === 'number' ? ` since ${iso(st.since)}` : '';
  return `${st.status}${reason}${detail}${since}`;
}

/** Frames and bytes each way, and errors; counters of another shape as JSON. */
function counters(c: unknown): [string, string, string] {
  const n = c as Partial<Record<'txFrames' | 'rxFrames' | 'txBytes' | 'rxBytes' | 'errors', unknown>> | null;
  if (typeof n?.txFrames !== 'number' || typeof n.rxFrames !== 'number')
    return [JSON.stringify(c) ?? '', '', ''];
  return [
    `${n.txFrames} (${n.txBytes ?? '?'} B)`,
    `${n.rxFrames} (${n.rxBytes ?? '?'} B)`,
    String(n.errors ?? '?'),
  ];
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.floor(ms / 1000);
  const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

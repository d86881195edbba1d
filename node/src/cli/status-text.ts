/**
 * `fieldnode status` as text for a person at a terminal (docs/operating.md §Status): the node, its
 * clock, its links, its satellite credits and sessions, its queue and store, and what it keeps for
 * the duty officer. Every line fits {@link LINE_WIDTH} columns: a long detail (a link's error, a
 * kept payload's reason) goes on its own lines under its row, wrapped; what only an engineer needs
 * (exact times, the carrier's report of a kept payload, the clock's whole record) is shown with
 * --verbose.
 *
 * Durations ("up 19 min", "down 3 h") are measured on the clock each time was taken on: the links'
 * `since` and the start time on the system clock, the budget on the node's clock. The two differ by
 * the clock's `offsetMs`, days on a kit whose Pi started at its last saved time.
 */
import type { KeptStatus, LinkStatus, NodeStatus, StoreStatus } from '../app-contract.js';
import { span } from '../core/trusted-clock.js';
import { countyTime } from '../domain/county-time.js';
import { carrierText, printable } from './foreign-text.js';
import { clockLines } from './status-clock.js';
import { type StatusTimes, satelliteLines } from './status-satellite.js';
import { fitted, table, width, wrap } from './text-table.js';

export interface StatusTextOptions {
  /** Exact times, the carrier's report of each kept payload, the clock's whole record. */
  verbose?: boolean;
}

export function formatStatus(s: NodeStatus, opts: StatusTextOptions = {}): string {
  const verbose = opts.verbose ?? false;
  const county = countyTime(s.timeZone);
  const times: StatusTimes = {
    node: s.clock.now,
    system: s.clock.now - (s.clock.offsetMs ?? 0),
    show: (ms) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? county.formatIso(ms) : '?'),
  };
  const name = s.node.name === undefined ? '' : ` ${s.node.name}`;
  const lines = [
    `node    ${s.node.id} (${s.node.role})${name}, up ${span(times.system - s.startedAt)}` +
      (s.node.drill === true ? '; DRILL (演练): every report is filed as an exercise' : ''),
    ...clockLines(s.clock, s.links, verbose, times.show),
    ...linkLines(s.links, times, verbose),
    ...satelliteLines(s.links, times, verbose),
  ];
  const queue = Object.entries(s.queue);
  lines.push(`queue   ${queue.length === 0 ? 'empty' : queue.map(([k, n]) => `${k} ${n}`).join('  ')}`);
  if (s.store !== undefined) lines.push(storeLine(s.store));
  if (s.kept !== undefined) lines.push(...keptLines(s.kept, verbose, times.show));
  return `${lines.flatMap((line) => fitted(line)).join('\n')}\n`;
}

/** The links as a table, each down link's detail wrapped under its row. */
function linkLines(links: readonly LinkStatus[], times: StatusTimes, verbose: boolean): string[] {
  if (links.length === 0) return ['links   none'];
  const rows = [['LINK', 'KIND', 'STATE', 'SENT', 'RECEIVED', 'ERRORS']];
  for (const link of links)
    rows.push([link.id, link.kind, stateCell(link, times), ...counters(link.counters)]);
  const [heading, ...body] = table(rows);
  const indent = ' '.repeat(2 + Math.max('LINK'.length, ...links.map((l) => width(l.id))) + 2);
  const lines = ['links', `  ${heading}`];
  links.forEach((link, i) => {
    lines.push(`  ${body[i]}`);
    const more = stateMore(link, verbose, times);
    if (more !== undefined) lines.push(...wrap(more, indent, indent));
    if (link.mt?.on === false)
      lines.push(...wrap(`MT off, receiving only: ${link.mt.reason ?? '?'}`, indent, indent));
  });
  return lines;
}

type StateShape = { status?: unknown; reason?: unknown; detail?: unknown; since?: unknown } | null;

/**
 * "up 19 min", "down 3 h: no-device", "starting"; a state of another shape as JSON. A link down is
 * down since the supervisor first saw it so, not since its last attempt ended.
 */
function stateCell(link: LinkStatus, times: StatusTimes): string {
  const st = link.state as StateShape;
  if (typeof st?.status !== 'string') return JSON.stringify(link.state) ?? '?';
  const from = st.status === 'down' && link.outage !== undefined ? link.outage.since : st.since;
  const since = typeof from === 'number' ? ` ${span(times.system - from)}` : '';
  const reason = typeof st.reason === 'string' ? `: ${printable(st.reason)}` : '';
  return `${printable(st.status)}${since}${reason}`;
}

/**
 * What follows a link's row: why it is down and how often it was tried; with --verbose, since
 * when too.
 */
function stateMore(link: LinkStatus, verbose: boolean, times: StatusTimes): string | undefined {
  const st = link.state as StateShape;
  const outage = st?.status === 'down' ? link.outage : undefined;
  let detail = typeof st?.detail === 'string' ? printable(st.detail) : undefined;
  // The last attempt's error, when the state does not say more than its reason.
  if (detail === undefined && outage !== undefined && outage.lastError !== st?.reason)
    detail = printable(outage.lastError);
  if (outage !== undefined && outage.attempts > 1)
    detail = `${detail ?? ''} (tried ${outage.attempts} times)`.trimStart();
  const from = outage?.since ?? st?.since;
  const since = verbose && typeof from === 'number' ? `since ${times.show(from)}` : undefined;
  if (since !== undefined && detail !== undefined) return `${since}: ${detail}`;
  return since ?? detail;
}

/** Frames and bytes each way, and errors; counters of another shape as JSON. */
function counters(c: unknown): [string, string, string] {
  const n = c as Partial<Record<'txFrames' | 'rxFrames' | 'txBytes' | 'rxBytes' | 'errors', unknown>> | null;
  if (typeof n?.txFrames !== 'number' || typeof n.rxFrames !== 'number')
    return [JSON.stringify(c) ?? '', '', ''];
  return [
    `${n.txFrames} (${bytes(n.txBytes)})`,
    `${n.rxFrames} (${bytes(n.rxBytes)})`,
    String(n.errors ?? '?'),
  ];
}

function bytes(n: unknown): string {
  if (typeof n !== 'number') return '? B';
  if (n < 10_000) return `${n} B`;
  if (n < 10_000_000) return `${Math.round(n / 1000)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** The store: its size on disk, the retention, and what was pruned since the start. */
function storeLine(st: StoreStatus): string {
  const mb = (st.bytes / 2 ** 20).toFixed(1);
  const days = st.retentionMs / 86_400_000;
  const keep = days >= 1 ? `${Number(days.toFixed(1))} d` : `${Math.round(st.retentionMs / 3_600_000)} h`;
  return `store   ${mb} MB; ended messages kept ${keep}; pruned since start: ${st.pruned.messages} messages, ${st.pruned.tombstones} dedup records`;
}

/**
 * What is kept for the duty officer: a count by reason, the latest few numbered as `fieldnode
 * foreign list` numbers them, each with its detail under it (and with --verbose what the carrier
 * said of it), and what the file had no room for. Sender and detail come from outside (a
 * stranger's claims): control characters are escaped.
 */
function keptLines(k: KeptStatus, verbose: boolean, show: (ms: number) => string): string[] {
  if (k.count === 0 && k.notWritten === 0) return ['kept    nothing'];
  const reasons = Object.entries(k.byReason)
    .map(([reason, n]) => `${printable(reason)} ${n}`)
    .join(', ');
  const lines = [
    ...wrap(`${k.count} in ${k.file} (${reasons})`, 'kept    ', '        '),
    '        all of them: `fieldnode foreign list`',
  ];
  if (k.notWritten > 0)
    lines.push(
      ...wrap(
        `${k.notWritten} NOT written (the file is full or cannot be written): see the log`,
        '  ',
        '    ',
      ),
    );
  if (k.latest.length === 0) return lines;
  const rows = k.latest.map((r) => [
    `#${r.n}`,
    show(r.receivedAt),
    printable(r.link),
    printable(r.from ?? '-'),
    printable(r.reason),
    `${r.bytes} B`,
  ]);
  const [heading, ...body] = table([['N', 'WHEN', 'LINK', 'FROM', 'REASON', 'SIZE'], ...rows]);
  const indent = ' '.repeat(2 + Math.max('N'.length, ...rows.map((r) => width(r[0] ?? ''))) + 2);
  lines.push(`  ${heading}`);
  k.latest.forEach((r, i) => {
    lines.push(`  ${body[i]}`);
    if (r.detail !== '') lines.push(...wrap(printable(r.detail), indent, indent));
    if (verbose && r.source !== undefined)
      lines.push(...wrap(`carrier: ${carrierText(r.source)}`, indent, indent));
  });
  return lines;
}

/**
 * The clock in `fieldnode status` (docs/time.md §What the status shows; docs/operating.md §Status):
 * its time, whether it is trusted and why, and, when it is not, what will make it so: which of this
 * node's devices could tell the time (the radio's GPS, the modem's Iridium time), whether they are
 * up, and the centre's signed time, which always may.
 */
import type { LinkStatus, NodeClockStatus } from '../app-contract.js';
import { ago, span } from '../core/trusted-clock.js';
import { wrap } from './text-table.js';

const LABEL = 'clock   ';
const INDENT = '        ';

export function clockLines(
  c: NodeClockStatus,
  links: readonly LinkStatus[],
  verbose: boolean,
  show: (ms: number) => string,
): string[] {
  const off = c.offsetMs ?? 0;
  const system =
    Math.abs(off) < 60_000 ? '' : `; the system clock is ${span(off)} ${off > 0 ? 'behind' : 'ahead'}`;
  if (c.trusted) {
    const age = c.since === undefined ? '' : `, ${ago(c.now - c.since)}`;
    const lines = wrap(`${show(c.now)} trusted (${c.source}${age})${system}`, LABEL, INDENT);
    return verbose ? [...lines, ...details(c, show)] : lines;
  }
  const why = c.why === undefined ? `NOT trusted (${c.source})` : `NOT trusted: ${c.why}`;
  return [
    ...wrap(`${show(c.now)} ${why}${system}`, LABEL, INDENT),
    ...wrap(advice(c, links), INDENT, INDENT),
    ...(verbose ? details(c, show) : []),
  ];
}

/** What will make an untrusted clock trusted, from the links that can tell the time. */
export function advice(c: NodeClockStatus, links: readonly LinkStatus[]): string {
  const devices = [
    ...links.filter((l) => l.kind === 'meshtastic').map((l) => `GPS from the radio on ${l.id}${downNote(l)}`),
    // A centre's satellite doors are iridium-sbd links too, but tell no time; they report `mt`.
    ...links
      .filter((l) => l.kind === 'iridium-sbd' && l.mt === undefined)
      .map((l) => `Iridium time from the modem on ${l.id}${downNote(l)}`),
  ];
  if (c.source === 'centre') {
    const stamp =
      devices.length === 0
        ? 'this node has no radio or modem that tells the time'
        : `it waits for ${orList(devices)}`;
    return `Expired messages are refused on the centre's signed time; to stamp this node's own messages as on time, ${stamp}.`;
  }
  if (devices.length === 0)
    return 'Waiting for a signed time from the centre (in a control message): this node has no radio or modem that tells the time.';
  return `Waiting for ${orList([...devices, 'a signed time from the centre'])}.`;
}

/** " (down: no-device)" for a link that is down, else nothing. */
function downNote(l: LinkStatus): string {
  const st = l.state as { status?: unknown; reason?: unknown } | null;
  if (st?.status !== 'down') return '';
  return typeof st.reason === 'string' ? ` (down: ${st.reason})` : ' (down)';
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** --verbose: the rest of the clock's record. */
function details(c: NodeClockStatus, show: (ms: number) => string): string[] {
  const parts = [`source ${c.source}`];
  if (c.expiryTrusted !== undefined)
    parts.push(`expiry checks ${c.expiryTrusted ? 'on' : 'off (nothing is refused as expired)'}`);
  if (c.offsetMs !== undefined) parts.push(`system clock ${offsetText(c.offsetMs)}`);
  if (c.since !== undefined) parts.push(`set or confirmed at ${show(c.since)}`);
  if (c.lowerBound !== undefined) parts.push(`signed lower bound ${show(c.lowerBound)}`);
  return wrap(parts.join('; '), INDENT, INDENT);
}

function offsetText(offsetMs: number): string {
  if (Math.abs(offsetMs) < 1000) return 'agrees';
  return `${span(offsetMs)} ${offsetMs > 0 ? 'behind' : 'ahead'}`;
}

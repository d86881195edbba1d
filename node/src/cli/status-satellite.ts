/**
 * The satellite links in `fieldnode status` (docs/operating.md §Status; docs/store-and-forward.md
 * §Satellite): per link, the credits spent in the rolling day and in the incident against the
 * budget, what is left and when more frees up; the sessions since the daemon started; and how the
 * last one went. A BeiDou link shows its card, level, interval and beams (docs/beidou.md §Status). From the link's `satellite` record (app-contract.ts SatelliteStatus) and its
 * counters; a daemon that reports neither shows nothing here.
 */
import type { LinkStatus, SatelliteStatus } from '../app-contract.js';
import { span } from '../core/trusted-clock.js';
import { wrap } from './text-table.js';

/** What the status knows of "now", on each clock its fields are on. */
export interface StatusTimes {
  /** The node's clock (the budget's). */
  node: number;
  /** The system clock (the links' `since` and the sessions' `at`). */
  system: number;
  /** A time as people are shown it: on the county's clock, with its offset (docs/reports.md §County time). */
  show(ms: number): string;
}

export function satelliteLines(links: readonly LinkStatus[], times: StatusTimes, verbose: boolean): string[] {
  const shown = links.filter(
    (l) =>
      l.satellite !== undefined ||
      sessionCounts(l.counters) !== undefined ||
      beidouParts(l.counters).length > 0,
  );
  if (shown.length === 0) return [];
  const idWidth = Math.max(...shown.map((l) => l.id.length));
  const lines = ['satellite'];
  for (const link of shown) {
    const first = `  ${link.id.padEnd(idWidth)}  `;
    const indent = ' '.repeat(first.length);
    const sat = link.satellite ?? {};
    const parts = [
      sat.budget === undefined ? undefined : budgetText(sat.budget, times, verbose),
      sessionsText(link.counters),
      lastSessionText(sat.lastSession, times, verbose),
      ...beidouParts(link.counters),
    ].filter((p): p is string => p !== undefined);
    parts.forEach((part, i) => {
      lines.push(...wrap(part, i === 0 ? first : indent, `${indent}  `));
    });
  }
  return lines;
}

/** "credits 14 in the last 24 h of 50, 22 in this incident of 200; 28 left for P1–P3". */
function budgetText(b: NonNullable<SatelliteStatus['budget']>, times: StatusTimes, verbose: boolean): string {
  const day = `credits ${b.usedDay} in the last 24 h${b.perDay === undefined ? '' : ` of ${b.perDay}`}`;
  const incident = `${b.usedIncident} in this incident${b.perIncident === undefined ? '' : ` of ${b.perIncident}`}`;
  let left: string;
  if (b.left === undefined) left = 'no budget set';
  else if (b.left > 0) left = `${b.left} left for P1–P3`;
  else {
    const free = b.nextReleaseAt === undefined ? '' : `; more free in ${span(b.nextReleaseAt - times.node)}`;
    left = `NONE left: only P0 goes${free}`;
  }
  const release =
    verbose && b.left !== 0 && b.nextReleaseAt !== undefined
      ? `; the oldest credits of the day free up in ${span(b.nextReleaseAt - times.node)}`
      : '';
  return `${day}, ${incident}; ${left}${release}`;
}

/** "sessions since start 9: 7 ok, 2 failed (14 credits)". */
function sessionsText(counters: unknown): string | undefined {
  const n = sessionCounts(counters);
  if (n === undefined) return undefined;
  const credits = n.credits === undefined ? '' : ` (${n.credits} credit${n.credits === 1 ? '' : 's'})`;
  return `sessions since start ${n.sessions}: ${n.ok} ok, ${n.failed} failed${credits}`;
}

/** "last session 12 min ago (due): failed (MO status 32: no network service)". */
function lastSessionText(
  s: SatelliteStatus['lastSession'],
  times: StatusTimes,
  verbose: boolean,
): string | undefined {
  if (s === undefined) return undefined;
  const when = verbose ? `at ${times.show(s.at)}` : `${span(times.system - s.at)} ago`;
  const credits = s.credits > 0 ? `, ${s.credits} credit${s.credits === 1 ? '' : 's'}` : '';
  const detail = s.detail === undefined ? '' : ` (${s.detail})`;
  return `last session ${when} (${s.reason}): ${s.outcome}${credits}${detail}`;
}

/**
 * A BeiDou link's card from its counters (satellite/src/beidou/beidou-link-types.ts): "BeiDou-3
 * card 4204990, level 4, interval 60 s, 2 beams locked" and "14 messages sent, 0 refused for the
 * interval"; nothing for another link.
 */
function beidouParts(counters: unknown): string[] {
  const c = counters as Partial<
    Record<
      'bdCard' | 'bdProtocol' | 'bdLevel' | 'bdIntervalS' | 'bdBeams' | 'bdMessages' | 'bdRefusedByFrequency',
      unknown
    >
  > | null;
  if (typeof c?.bdCard !== 'string') return [];
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (c.bdCard === '') return ['BeiDou card not read yet'];
  const protocol = c.bdProtocol === 3 ? 'BeiDou-3' : 'BeiDou-2';
  // As the module gave it: every digit kept, an 8-digit card's leading zero too.
  const card = c.bdCard;
  const n = num(c.bdBeams);
  const beams = n < 0 ? 'beams not reported' : `${n} beam${n === 1 ? '' : 's'} locked`;
  const sent = num(c.bdMessages);
  return [
    `${protocol} card ${card}, level ${num(c.bdLevel)}, interval ${num(c.bdIntervalS)} s, ${beams}`,
    `${sent} message${sent === 1 ? '' : 's'} sent, ${num(c.bdRefusedByFrequency)} refused for the interval`,
  ];
}

function sessionCounts(
  counters: unknown,
): { sessions: number; ok: number; failed: number; credits?: number } | undefined {
  const c = counters as Partial<
    Record<'sessions' | 'sessionsOk' | 'sessionsFailed' | 'credits', unknown>
  > | null;
  if (typeof c?.sessions !== 'number') return undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    sessions: c.sessions,
    ok: num(c.sessionsOk),
    failed: num(c.sessionsFailed),
    ...(typeof c.credits === 'number' ? { credits: c.credits } : {}),
  };
}

/**
 * The centre's 叫应 board as the page keeps it live (docs/ui.md §Warnings, At the centre;
 * docs/warnings.md §States, §The board): the calls of a warning read once, then moved by each
 * `calls` event of the stream, and always shown 未叫应 first (the longest waiting first), then the
 * answered (the latest answer first); with the counts worked out again from the calls, and the
 * county's 未叫应 list kept the same way across warnings.
 *
 * An event carries the calls that moved (or all of them: either merges the same way). A call is
 * one person's for one warning message (docs/warnings.md §States), so a person's newer call
 * replaces the older; a call never moves back (a late event older than what is shown is ignored).
 */
import type { CallCounts, CallView } from './api-types.js';

const ORDER: Readonly<Record<CallView['state'], number>> = {
  sent: 0,
  delivered: 1,
  acknowledged: 2,
  acted: 3,
};

export function isUnanswered(c: Pick<CallView, 'state'>): boolean {
  return c.state === 'sent' || c.state === 'delivered';
}

/** When the call was answered (its 收到 or its report of action), unix ms. */
export function answeredAt(c: CallView): number | undefined {
  return c.at.acknowledged ?? c.at.acted;
}

/** 未叫应 first, the longest waiting first; then the answered, the latest answer first. */
export function boardOrder(calls: readonly CallView[]): CallView[] {
  return [...calls].sort((a, b) => {
    const ua = isUnanswered(a);
    const ub = isUnanswered(b);
    if (ua !== ub) return ua ? -1 : 1;
    if (ua) return a.at.sent - b.at.sent || a.person - b.person;
    return (answeredAt(b) ?? 0) - (answeredAt(a) ?? 0) || a.person - b.person;
  });
}

/** The later of two views of one call: the further state, then the more steps taken. */
function newer(old: CallView, next: CallView): CallView {
  if (ORDER[next.state] !== ORDER[old.state]) return ORDER[next.state] > ORDER[old.state] ? next : old;
  if (next.steps.length !== old.steps.length) return next.steps.length > old.steps.length ? next : old;
  return (next.evacuated ?? 0) >= (old.evacuated ?? 0) ? next : old;
}

/** The board's calls with an event's calls of the same warning merged in, in board order. */
export function mergeCalls(board: readonly CallView[], moved: readonly CallView[]): CallView[] {
  const byPerson = new Map(board.map((c) => [c.person, c]));
  for (const c of moved) {
    const old = byPerson.get(c.person);
    byPerson.set(c.person, old === undefined ? c : newer(old, c));
  }
  return boardOrder([...byPerson.values()]);
}

/** How the calls stand, as the warning's `calls` counts it (warnings-service.ts CallCounts). */
export function countsOf(calls: readonly CallView[]): CallCounts {
  const n = (s: CallView['state']) => calls.filter((c) => c.state === s).length;
  return {
    total: calls.length,
    sent: n('sent'),
    delivered: n('delivered'),
    acknowledged: n('acknowledged'),
    acted: n('acted'),
    unanswered: calls.filter(isUnanswered).length,
    evacuated: calls.reduce((a, c) => a + (c.evacuated ?? 0), 0),
  };
}

/**
 * The county's 未叫应 list after an event of one warning: its answered calls leave, its unanswered
 * ones come in or replace what was there; the longest waiting first.
 */
export function mergeUnanswered(
  list: readonly CallView[],
  warning: string,
  moved: readonly CallView[],
): CallView[] {
  const movedBy = new Map(moved.map((c) => [c.person, c]));
  const kept = list.filter((c) => c.warning !== warning || !movedBy.has(c.person));
  const added = moved.filter((c) => isUnanswered(c) && c.warning === warning);
  return [...kept, ...added].sort((a, b) => a.at.sent - b.at.sent || a.person - b.person);
}

/** The 未叫应 list without the calls of a warning that closed (cancelled, superseded, expired). */
export function withoutWarning(list: readonly CallView[], warning: string): CallView[] {
  return list.filter((c) => c.warning !== warning);
}

/**
 * The centre's request board (docs/requests.md §The board): the open requests, most urgent first
 * (an SOS before everything, then `immediate`, `urgent`, `routine`), the oldest first within an
 * urgency, each marked overdue when it has waited longer than its urgency allows for the next
 * step: an answer (a commit or a decline) while it stands requested, the arrival once the expected
 * arrival a commit or dispatch gave has passed.
 */
import type { RequestUrgency, RequestView } from './request.js';
import { isClosed } from './request-status.js';

/** How long a request may stand unanswered, by urgency, ms (docs/requests.md §The board). */
export const ANSWER_WITHIN_MS: Readonly<Record<RequestUrgency | 'sos', number>> = {
  sos: 5 * 60_000,
  immediate: 30 * 60_000,
  urgent: 2 * 3_600_000,
  routine: 24 * 3_600_000,
};

const ORDER: Readonly<Record<RequestUrgency, number>> = { immediate: 0, urgent: 1, routine: 2 };

export interface BoardRow {
  request: RequestView;
  /** How long it has been open, ms. */
  ageMs: number;
  overdue: boolean;
  /** Why it is overdue: no answer yet, or past its expected arrival. */
  overdueWhy?: 'unanswered' | 'late';
}

export function isOverdue(r: RequestView, now: number): BoardRow['overdueWhy'] {
  if (isClosed(r.status)) return undefined;
  if (r.status === 'requested') {
    const within = ANSWER_WITHIN_MS[r.sos ? 'sos' : r.urgency];
    return now - r.requestedAt > within ? 'unanswered' : undefined;
  }
  if (r.status !== 'arrived' && r.eta !== undefined && now > r.eta) return 'late';
  return undefined;
}

/** The open requests of `requests` as the board orders them. */
export function requestBoard(requests: readonly RequestView[], now: number): BoardRow[] {
  return requests
    .filter((r) => !isClosed(r.status))
    .sort(
      (a, b) =>
        Number(b.sos) - Number(a.sos) ||
        ORDER[a.urgency] - ORDER[b.urgency] ||
        a.requestedAt - b.requestedAt ||
        (a.id < b.id ? -1 : 1),
    )
    .map((request) => {
      const why = isOverdue(request, now);
      return {
        request,
        ageMs: Math.max(0, now - request.requestedAt),
        overdue: why !== undefined,
        ...(why === undefined ? {} : { overdueWhy: why }),
      };
    });
}

/** Open requests by type: all the public may know of them (docs/requests.md §The public view). */
export function openCounts(requests: readonly RequestView[]): Record<RequestView['type'], number> {
  const counts = { rescue: 0, medical: 0, supplies: 0, evacuation: 0, other: 0 };
  for (const r of requests) if (!isClosed(r.status)) counts[r.type]++;
  return counts;
}

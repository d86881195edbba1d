/**
 * The steps of a request's life and who may take each (docs/requests.md §The life of a request,
 * §Who may do what), after EDXL-RM's RequestResource → CommitResource → deployment status →
 * ReleaseResource. A request only moves forward; `declined` ends it as `released` does.
 */
import type { Permission } from '../roster/permissions.js';

export const REQUEST_STATUSES = [
  'requested',
  'committed',
  'dispatched',
  'arrived',
  'released',
  'declined',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type ReplyStatus = Exclude<RequestStatus, 'requested'>;

const RANK: Readonly<Record<RequestStatus, number>> = {
  requested: 0,
  committed: 1,
  dispatched: 2,
  arrived: 3,
  released: 4,
  declined: 4,
};

export function statusRank(s: RequestStatus): number {
  return RANK[s];
}

export function isClosed(s: RequestStatus): boolean {
  return RANK[s] === 4;
}

/**
 * The steps a request standing at `s` may still take. Another commit while committed is a partial
 * commit adding to the first; a request may be declined until something is on its way.
 */
export function nextSteps(s: RequestStatus): ReplyStatus[] {
  switch (s) {
    case 'requested':
      return ['committed', 'dispatched', 'declined'];
    case 'committed':
      return ['committed', 'dispatched', 'arrived', 'declined', 'released'];
    case 'dispatched':
      return ['dispatched', 'arrived', 'released'];
    case 'arrived':
      return ['released'];
    default:
      return [];
  }
}

/**
 * The permissions any of which lets a person take a step: committing, dispatching and declining
 * are the centre's (`request.answer`); saying it arrived, or releasing it, is also the requesting
 * side's (`request.file` in its area), as EDXL-RM has the requester release a resource.
 */
export function permissionsFor(step: ReplyStatus): Permission[] {
  return step === 'arrived' || step === 'released' ? ['request.answer', 'request.file'] : ['request.answer'];
}

export const STATUS_ZH: Readonly<Record<RequestStatus, string>> = {
  requested: '已请求',
  committed: '已承诺',
  dispatched: '已调派',
  arrived: '已到达',
  released: '已完结',
  declined: '已拒绝',
};

/**
 * What a request is, from the messages of its life (docs/requests.md §The state of a request): a
 * pure function of the set of messages, so two nodes that hold the same messages show the same
 * request whatever order store-and-forward brought them in.
 *
 * - Its status is the furthest any applied reply gave it; of the two ends (released, declined) the
 *   first in chain order stands.
 * - What is committed is the sum of every applied commit's items, per item: partial commits add
 *   up. A commit naming no items commits what was asked.
 * - The expected arrival is the latest a commit or a dispatch gave.
 * - Chain order is creation time (whole seconds), then the step's rank, then origin and sequence.
 */
import type { RequestEntry, RequestStep, RequestView, SupplyLine } from './request.js';
import { requestIdOf } from './request.js';
import { type RequestStatus, statusRank } from './request-status.js';

export interface RequestStateOptions {
  /** A kit's own area, by node id. */
  kitArea: (node: number) => number | undefined;
}

function statusOf(e: RequestEntry): RequestStatus {
  return e.kind === 'request' ? 'requested' : e.body.status;
}

export function chainOrder(a: RequestEntry, b: RequestEntry): number {
  return (
    a.createdAt - b.createdAt ||
    statusRank(statusOf(a)) - statusRank(statusOf(b)) ||
    a.origin - b.origin ||
    a.seq - b.seq
  );
}

/** The request `id` as its messages make it; undefined without any message of it. */
export function requestState(
  id: string,
  entries: readonly RequestEntry[],
  o: RequestStateOptions,
): RequestView | undefined {
  const mine = entries.filter((e) => requestIdOf(e) === id).sort(chainOrder);
  if (mine.length === 0) return undefined;
  const opening = mine.find((e) => e.kind === 'request' && e.id === id);
  const ask = opening?.kind === 'request' ? opening.body : undefined;
  const node = Number(id.split('/')[0]);
  const replies = mine.filter(
    (e): e is Extract<RequestEntry, { kind: 'request-reply' }> =>
      e.kind === 'request-reply' && e.refused === undefined,
  );

  let status: RequestStatus = 'requested';
  for (const r of replies) {
    if (statusRank(status) === 4) break;
    if (statusRank(r.body.status) > statusRank(status)) status = r.body.status;
  }

  const asked = ask?.items ?? [];
  const committed = new Map<number, number>();
  let eta: number | undefined;
  for (const r of replies) {
    if (r.body.status === 'committed') {
      for (const line of r.body.items ?? asked)
        committed.set(line.item, (committed.get(line.item) ?? 0) + line.quantity);
    }
    if ((r.body.status === 'committed' || r.body.status === 'dispatched') && r.body.eta !== undefined)
      eta = r.body.eta * 1000;
  }
  const answer = replies.find((r) => r.origin !== node);
  const first = opening ?? (mine[0] as RequestEntry);
  const steps: RequestStep[] = mine.map((e) => stepOf(e));

  return {
    id,
    opened: opening !== undefined,
    sos: first.priority === 0,
    exercise: first.exercise,
    type: ask?.type ?? 'other',
    urgency: ask?.urgency ?? 'routine',
    status,
    ...areaOf(node, o),
    ...(ask?.point === undefined ? {} : { point: ask.point }),
    ...(ask?.people === undefined ? {} : { people: ask.people }),
    items: asked.map(copyLine),
    committed: [...committed].map(([item, quantity]) => ({ item, quantity })),
    ...(eta === undefined ? {} : { eta }),
    ...(ask?.note === undefined ? {} : { note: ask.note }),
    node,
    ...(ask?.requester === undefined ? {} : { requestedBy: ask.requester }),
    requestedAt: first.createdAt * 1000,
    updatedAt: (mine.at(-1) as RequestEntry).createdAt * 1000,
    ...(answer === undefined
      ? {}
      : {
          answeredAt: answer.createdAt * 1000,
          ...(answer.body.person === undefined ? {} : { answeredBy: answer.body.person }),
        }),
    steps,
  };
}

function areaOf(node: number, o: RequestStateOptions): { area?: number } {
  const area = o.kitArea(node);
  return area === undefined ? {} : { area };
}

function copyLine(l: SupplyLine): SupplyLine {
  return { item: l.item, quantity: l.quantity };
}

function stepOf(e: RequestEntry): RequestStep {
  const by = e.kind === 'request' ? e.body.requester : e.body.person;
  const items = e.kind === 'request' ? undefined : e.body.items;
  const eta = e.kind === 'request' ? undefined : e.body.eta;
  return {
    id: e.id,
    status: statusOf(e),
    ...(by === undefined ? {} : { by }),
    at: e.createdAt * 1000,
    node: e.origin,
    ...(items === undefined ? {} : { items: items.map(copyLine) }),
    ...(eta === undefined ? {} : { eta: eta * 1000 }),
    ...(e.kind === 'request-reply' && e.body.note !== undefined ? { note: e.body.note } : {}),
    ...(e.refused === undefined ? {} : { refused: e.refused }),
  };
}

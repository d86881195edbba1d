/**
 * Runs a write under its idempotency key (docs/api.md §Idempotency; idempotency.ts): a repeat of a
 * finished request gets the first reply again, marked `Idempotent-Replayed: true`; the same key with
 * another request is 422; a repeat while the first runs is 409. 2xx and 4xx replies are kept (a
 * refused report is refused the same way again); a 5xx or a thrown fault leaves the key free.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-errors.js';
import { errorReply } from './error-replies.js';
import type { Idempotency, KeptResponse } from './idempotency.js';
import type { FilingMark } from './reports-service.js';

export interface IdempotentRun {
  store: Idempotency;
  /** Whose keys these are: the route and the person (or `anonymous` for the sign-in). */
  scope: string;
  /** Taken before the write and saved with its pending record (durable stores only). */
  mark?: () => Promise<FilingMark>;
  /** Makes the write; `earlier` is the mark of a first attempt cut short by a restart. */
  run: (earlier: FilingMark | undefined) => Promise<KeptResponse>;
}

export async function idempotent(
  request: FastifyRequest,
  reply: FastifyReply,
  o: IdempotentRun,
): Promise<FastifyReply> {
  const key = String(request.headers['idempotency-key']);
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
  const claim = o.store.claim(o.scope, key, o.store.fingerprint(route, request.body));
  if (claim.kind === 'replay') return send(reply, claim.response, true);
  if (claim.kind === 'conflict')
    throw new ApiError(
      'API_IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used for a different request: use a new key for a new action',
    );
  if (claim.kind === 'in-progress')
    throw new ApiError(
      'API_IDEMPOTENCY_IN_PROGRESS',
      'the first request with this key is still running: try again in a moment',
      {
        retryAfterMs: 1000,
      },
    );
  const { ticket } = claim;
  let response: KeptResponse;
  try {
    if (o.mark) await o.store.pending(ticket, await o.mark());
    response = await o.run(claim.earlier);
  } catch (err) {
    const { status, body } = errorReply(err);
    if (status >= 500) {
      o.store.abandon(ticket);
      throw err;
    }
    await o.store.finish(ticket, { status, body });
    throw err;
  }
  await o.store.finish(ticket, response);
  return send(reply, response, false);
}

function send(reply: FastifyReply, response: KeptResponse, replayed: boolean): FastifyReply {
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(response.status).send(response.body);
}

/**
 * What the request and SOS routes share (docs/api.md §Routes): who may see a request (outside a
 * person's areas it does not exist for them: 404), and the reply every write gives.
 */
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { type ApiPerson, withinScope } from './people-directory.js';
import type { RequestApiView, RequestsService } from './request-service.js';

/** The reply every write gives: the request as it stands, and the message that went. */
export function madeReply(request: RequestApiView, message: string) {
  return { request, message: { id: message, href: `/api/messages/${message}` } };
}

/** The request `id` if `person` may see it, else 404 (outside their areas it does not exist). */
export function visibleRequest(
  ctx: ApiRouteContext,
  requests: RequestsService,
  person: ApiPerson,
  id: string,
): RequestApiView {
  const r = requests.get(id);
  if (r === undefined || !withinScope(ctx.deps.people.scope(person, 'request.view'), r.area))
    throw new ApiError('REQUEST_UNKNOWN', `no request ${id} that you may see`, { status: 404 });
  return r;
}

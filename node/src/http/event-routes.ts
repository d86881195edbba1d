/**
 * GET /api/events (docs/api.md §Events): the WebSocket the UI listens on. Anyone may open one and
 * hears the public status, the public view of warnings and the kit's alarm; a signed-in page also
 * hears message states, reports and warnings within its areas, the 叫应 board's calls when its
 * person may see the board, and the full status (event-hub.ts). A browser sends the page's Origin
 * with the upgrade, which must be ours: a page of another site cannot listen in (cross-site
 * WebSocket hijacking).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import type { StreamViewer } from './event-hub.js';
import { errorReplies } from './schemas/common-schemas.js';
import { seesCallBoard, warningReadScope } from './warning-access.js';

export function eventRoutes(
  app: FastifyInstance,
  ctx: ApiRouteContext,
  origins: () => ReadonlySet<string>,
): void {
  app.get(
    '/api/events',
    {
      websocket: true,
      config: { access: { who: 'anyone' } },
      schema: {
        summary:
          'The event stream (WebSocket): message states, reports, warnings, calls, the alarm, status changes',
        description:
          'One JSON object per frame: `hello`, `status` (full when signed in, public otherwise), `message` (a delivery view), `report`, `warning` (or `public-warning`), `calls`, `alarm`, `session-ended`. See docs/api.md §Events.',
        tags: ['events'],
        response: { 101: Type.Null({ description: 'Switching protocols' }), ...errorReplies(403, 503) },
      },
      onRequest: async (request) => {
        const origin = request.headers.origin;
        if (origin !== undefined && !origins().has(origin))
          throw new ApiError('API_ORIGIN_REFUSED', 'event streams are for pages of this node only');
        if (ctx.hub.full)
          throw new ApiError('API_TOO_MANY_STREAMS', 'too many event streams are open: try again later', {
            retryAfterMs: 10_000,
          });
      },
    },
    (socket, request) => {
      const session = request.apiSession;
      const person = request.person;
      const viewer: StreamViewer | undefined =
        session === null || person === null
          ? undefined
          : {
              sessionId: session.id,
              valid: () => ctx.sessions.inEffect(session.id) && ctx.deps.people.find(person.id) !== undefined,
              reportScope: () => {
                const now = ctx.deps.people.find(person.id);
                return now === undefined
                  ? { all: false, areas: [] }
                  : ctx.deps.people.scope(now, 'report.view');
              },
              warningScope: () => {
                const now = ctx.deps.people.find(person.id);
                const role = ctx.deps.warnings?.role;
                return now === undefined || role === undefined
                  ? { all: false, areas: [] }
                  : warningReadScope(ctx.deps.people, now, role);
              },
              seesCalls: () => {
                const now = ctx.deps.people.find(person.id);
                return now !== undefined && seesCallBoard(ctx.deps.people, now);
              },
              hazardScope: () => {
                const now = ctx.deps.people.find(person.id);
                return now === undefined
                  ? { all: false, areas: [] }
                  : ctx.deps.people.scope(now, 'hazard.view');
              },
              seesKits: () => {
                const now = ctx.deps.people.find(person.id);
                return now !== undefined && ctx.deps.people.scope(now, 'kit.view').all;
              },
            };
      ctx.hub.add(socket, viewer);
    },
  );
}

/**
 * The node's own routes (docs/api.md §Health, §Status, §Messages): whether it is up, its status
 * (whole for people signed in, a public subset for anyone), and how far one message got.
 *
 * Health answers `ok` only once the node is ready: the store recovered, the core and its links
 * started, at the moment systemd hears READY=1. Before, 503 `starting`, so a monitor or a load
 * balancer never sends people to a node still reading its store.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { messageId } from '../store/records.js';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { deliveryView } from './delivery-view.js';
import { errorReplies, MessageIdParams } from './schemas/common-schemas.js';
import { Delivery } from './schemas/message-schemas.js';
import { Health, PublicStatus, Starting, Status } from './schemas/status-schemas.js';
import { publicStatusView, statusView } from './status-view.js';

export function nodeRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = ctx;
  const extra = () => {
    const power = deps.power?.();
    return { ready: ctx.ready(), ...(power ? { power } : {}) };
  };

  api.get(
    '/api/health',
    {
      config: { access: { who: 'anyone' }, beforeReady: true },
      schema: {
        summary: 'Whether the node is up: 200 once it has recovered and started, 503 before',
        tags: ['node'],
        response: { 200: Health, 503: Starting },
      },
    },
    async (_request, reply) => {
      if (!ctx.ready())
        return reply
          .code(503)
          .header('retry-after', 2)
          .send({ status: 'starting' as const });
      return { status: 'ok' as const, node: deps.node.id, role: deps.node.role, version: deps.version };
    },
  );

  api.get(
    '/api/status/public',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'What anyone on the Wi-Fi may know: can the kit reach the county, and its power',
        tags: ['node'],
        response: { 200: PublicStatus, ...errorReplies(503) },
      },
    },
    async () => publicStatusView(deps.status(), extra()),
  );

  api.get(
    '/api/status',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: 'The node’s status: links, queue, clock, satellite credits, power',
        tags: ['node'],
        response: { 200: Status, ...errorReplies(401, 503) },
      },
    },
    async () => statusView(deps.status(), { ...extra(), version: deps.version }),
  );

  api.get(
    '/api/messages/:origin/:seq',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary:
          'How far a message got: queued → sent (on which link) → custody (at which relay) → received → acknowledged',
        description: 'With the bytes and satellite credits it cost. The message id is `origin/seq`.',
        tags: ['messages'],
        params: MessageIdParams,
        response: { 200: Delivery, ...errorReplies(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const id = messageId(request.params.origin, request.params.seq);
      const meta = await deps.message(id);
      if (meta === undefined)
        throw new ApiError(
          'API_NOT_FOUND',
          `no message ${id} here: it was never here, or ended more than the retention ago`,
        );
      return deliveryView(meta);
    },
  );
}

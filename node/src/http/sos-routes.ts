/**
 * The SOS routes (docs/api.md §Routes; docs/requests.md §SOS): send an SOS from a kit (a rescue
 * request at P0 with the place), and, at the centre, acknowledge one, which stops the centre's
 * alarm and, unless someone answered it already, tells the kit that the centre has it in hand.
 * Confirm-to-send (hold or two taps) is the page's part (docs/requests.md §The views): the route
 * sends what it is given, once per Idempotency-Key.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { madeReply, visibleRequest } from './request-access.js';
import { AcknowledgeBody, AcknowledgeReply, RequestReply, SosBody } from './request-schemas.js';
import type { RequestsService, SosInput } from './request-service.js';
import { errorReplies, MessageIdParams, WriteHeaders } from './schemas/common-schemas.js';

export function sosRoutes(app: FastifyInstance, ctx: ApiRouteContext, requests: RequestsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/sos',
    {
      config: { access: { who: 'permitted', permission: 'request.file' } },
      bodyLimit: 4 * 1024,
      schema: {
        summary: 'Send an SOS: a rescue request to the centre at P0, with the place',
        description:
          'P0 is never held back for a cheaper link, goes first in every queue and may go over a billed link’s budget (docs/store-and-forward.md); at the centre it sounds the alarm until a duty officer acknowledges it. Exactly once per Idempotency-Key.',
        tags: ['requests'],
        headers: WriteHeaders,
        body: SosBody,
        response: { 201: RequestReply, ...errorReplies(400, 401, 403, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const area = requests.defaultArea();
      if (!withinScope(request.scope as PermissionScope, area))
        throw new ApiError('API_FORBIDDEN', 'an SOS is sent from the kit of your own area');
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `sos:${person.id}`,
        mark: () => requests.mark(),
        run: async (earlier) => {
          const made = await requests.sos(request.body as SosInput, person, earlier);
          await ctx.audit({
            actor: person.id,
            action: 'request.sos',
            subject: made.request.id,
            details: { point: made.request.point !== undefined, exercise: made.request.exercise },
          });
          return { status: 201, body: madeReply(made.request, made.message) };
        },
      });
    },
  );

  api.post(
    '/api/requests/:origin/:seq/acknowledge',
    {
      config: { access: { who: 'permitted', permission: 'request.answer' } },
      bodyLimit: 4 * 1024,
      schema: {
        summary: 'Acknowledge an SOS at the centre: the alarm stops, and the kit is told someone has it',
        tags: ['requests'],
        params: MessageIdParams,
        headers: WriteHeaders,
        body: AcknowledgeBody,
        response: { 200: AcknowledgeReply, ...errorReplies(400, 401, 403, 404, 413, 415, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = `${request.params.origin}/${request.params.seq}`;
      visibleRequest(ctx, requests, person, id);
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `sos-ack:${person.id}:${id}`,
        run: async () => {
          const done = await requests.acknowledge(id, person, request.body.note);
          await ctx.audit({
            actor: person.id,
            action: 'request.acknowledged',
            subject: id,
            details: {
              wasSounding: done.wasSounding,
              ...(done.message === undefined ? {} : { message: done.message }),
            },
          });
          return {
            status: 200,
            body: {
              request: done.request,
              ...(done.message === undefined
                ? {}
                : { message: { id: done.message, href: `/api/messages/${done.message}` } }),
              wasSounding: done.wasSounding,
            },
          };
        },
      });
    },
  );
}

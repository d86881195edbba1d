/**
 * The request routes (docs/api.md §Routes; docs/requests.md): ask for help or supplies at a kit,
 * take a request a step further (commit, dispatch, arrived, released, declined), list and read the
 * requests held here, the centre's board, the CSV and the public counts. The SOS routes are in
 * sos-routes.ts, registered from here.
 *
 * Who may do what is the roster's table (node/src/domain/roster/permissions.ts): `request.file` to
 * ask, `request.view` to see, and for a step the permission it needs (request-status.ts
 * `permissionsFor`) in the request's area. Outside a person's areas a request does not exist for
 * them (404). Writes run under their idempotency key in the durable store, as filing a report does.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { permissionsFor } from '../domain/requests/request-status.js';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { madeReply, visibleRequest } from './request-access.js';
import './request-audit-actions.js';
import {
  BoardReply,
  PublicRequestCounts,
  ReplyBody,
  RequestDraftBody,
  RequestList,
  RequestListQuery,
  RequestReply,
  RequestSchema,
} from './request-schemas.js';
import type { ReplyInput, RequestDraftInput, RequestsService } from './request-service.js';
import { errorReplies, MessageIdParams, WriteHeaders } from './schemas/common-schemas.js';
import { sosRoutes } from './sos-routes.js';

/** Registers every request route; none when the node has no requests workflow. */
export function requestRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const requests = ctx.deps.requests;
  if (requests === undefined) return;
  writeRoutes(app, ctx, requests);
  readRoutes(app, ctx, requests);
  sosRoutes(app, ctx, requests);
}

function writeRoutes(app: FastifyInstance, ctx: ApiRouteContext, requests: RequestsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/requests',
    {
      config: { access: { who: 'permitted', permission: 'request.file' } },
      bodyLimit: 8 * 1024,
      schema: {
        summary: 'Ask the centre for help or supplies (物资/救援请求)',
        description:
          'Checks the draft (every problem at once: 400 REQUEST_REJECTED), makes its request message to the centre at P1, stores it synced and records it. The requester is the person signed in. Exactly once per Idempotency-Key, across restarts.',
        tags: ['requests'],
        headers: WriteHeaders,
        body: RequestDraftBody,
        response: { 201: RequestReply, ...errorReplies(400, 401, 403, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const draft = request.body as RequestDraftInput;
      const area = requests.defaultArea();
      if (!withinScope(request.scope as PermissionScope, area))
        throw new ApiError(
          'API_FORBIDDEN',
          area === undefined
            ? 'this node has no area of its own: ask from the kit of your area'
            : `you may not ask for area ${area}`,
        );
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `request:${person.id}`,
        mark: () => requests.mark(),
        run: async (earlier) => {
          const made = await requests.ask(draft, person, earlier);
          const r = made.request;
          await ctx.audit({
            actor: person.id,
            action: 'request.requested',
            subject: r.id,
            details: { type: r.type, urgency: r.urgency, items: r.items.length, exercise: r.exercise },
          });
          return { status: 201, body: madeReply(r, made.message) };
        },
      });
    },
  );

  api.post(
    '/api/requests/:origin/:seq/replies',
    {
      config: { access: { who: 'signed-in' } },
      bodyLimit: 8 * 1024,
      schema: {
        summary: 'Take a request a step further: committed, dispatched, arrived, released or declined',
        description:
          'Committing (several partial commits add up), dispatching and declining need request.answer (the centre); arrived and released need request.answer or request.file in the request’s area. A request only moves forward: 409 REQUEST_STATUS_INVALID otherwise. The step goes to the asking kit from the centre, to the centre from a kit; for an SOS at P0. Exactly once per Idempotency-Key.',
        tags: ['requests'],
        params: MessageIdParams,
        headers: WriteHeaders,
        body: ReplyBody,
        response: { 201: RequestReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = `${request.params.origin}/${request.params.seq}`;
      const step = request.body as ReplyInput;
      const r = visibleRequest(ctx, requests, person, id);
      const may = permissionsFor(step.status).some((p) =>
        withinScope(ctx.deps.people.scope(person, p), r.area),
      );
      if (!may)
        throw new ApiError(
          'API_FORBIDDEN',
          `your roles do not allow marking request ${id} ${step.status}: that needs ${permissionsFor(step.status).join(' or ')} in its area`,
        );
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `request-reply:${person.id}:${id}`,
        mark: () => requests.mark(),
        run: async (earlier) => {
          const made = await requests.reply(id, step, person, earlier);
          await ctx.audit({
            actor: person.id,
            action: `request.${step.status}`,
            subject: id,
            details: {
              message: made.message,
              status: made.request.status,
              ...(step.items === undefined ? {} : { items: step.items.map((l) => [l.item, l.quantity]) }),
              ...(step.eta === undefined ? {} : { eta: step.eta }),
              sos: made.request.sos,
              exercise: made.request.exercise,
            },
          });
          return { status: 201, body: madeReply(made.request, made.message) };
        },
      });
    },
  );
}

function readRoutes(app: FastifyInstance, ctx: ApiRouteContext, requests: RequestsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/requests',
    {
      config: { access: { who: 'permitted', permission: 'request.view' } },
      schema: {
        summary: 'The requests held here within your areas, the latest first',
        tags: ['requests'],
        querystring: RequestListQuery,
        response: { 200: RequestList, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request) => ({
      items: requests.list({
        scope: request.scope as PermissionScope,
        ...(request.query.open === undefined ? {} : { open: request.query.open }),
        ...(request.query.sos === undefined ? {} : { sos: request.query.sos }),
      }),
    }),
  );

  api.get(
    '/api/requests/board',
    {
      config: { access: { who: 'permitted', permission: 'request.view' } },
      schema: {
        summary: 'The request board: open requests, SOS first, then by urgency and age, overdue ones marked',
        tags: ['requests'],
        response: { 200: BoardReply, ...errorReplies(401, 403, 503) },
      },
    },
    async (request) => ({ items: requests.board(request.scope as PermissionScope) }),
  );

  api.get(
    '/api/requests/:origin/:seq',
    {
      config: { access: { who: 'permitted', permission: 'request.view' } },
      schema: {
        summary: 'One request, by its message id, with every step',
        tags: ['requests'],
        params: MessageIdParams,
        response: { 200: RequestSchema, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) =>
      visibleRequest(
        ctx,
        requests,
        request.person as ApiPerson,
        `${request.params.origin}/${request.params.seq}`,
      ),
  );

  api.get(
    '/api/export/requests.csv',
    {
      config: { access: { who: 'permitted', permission: 'request.view' } },
      schema: {
        summary: 'The requests as CSV, within your areas',
        description: 'UTF-8 with a byte-order mark and CRLF line ends, as Excel and WPS open it.',
        tags: ['requests'],
        response: { 200: Type.String({ description: 'text/csv' }), ...errorReplies(401, 403, 503) },
      },
    },
    async (request, reply) => {
      const scope = request.scope as PermissionScope;
      const csv = requests.exportCsv(scope);
      await ctx.audit({
        actor: (request.person as ApiPerson).id,
        action: 'request.exported',
        details: { format: 'csv', areas: scope.all ? 'all' : [...scope.areas] },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="requests.csv"')
        .send(csv);
    },
  );

  api.get(
    '/api/public/requests',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'Open requests by type, for anyone: counts only, never a name, a place or a word typed',
        tags: ['requests'],
        response: { 200: PublicRequestCounts, ...errorReplies(503) },
      },
    },
    async () => ({ open: requests.publicCounts() }),
  );
}

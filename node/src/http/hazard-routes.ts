/**
 * The hazard routes (docs/api.md §Hazards; docs/hazards.md): report a hazard (隐患) at a kit, change
 * its status (verify, handled, close), list and read the hazards held here, the ledger's tallies
 * by area, type or sector, and the ledger as CSV. Photos and the public view are in
 * hazard-photo-routes.ts and hazard-public-routes.ts, registered from here.
 *
 * Who may do what is the roster's table (node/src/domain/roster/permissions.ts), checked here once
 * the hazard's area is known: `hazard.file` to report, `hazard.view` to see, and for a change the
 * permission its new status needs (hazard-status.ts `permissionsFor`). Outside a person's areas a
 * hazard does not exist for them (404). Reporting and changing run under their idempotency key in
 * the durable store, as filing a report does.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AuditAction } from '../domain/audit/audit-actions.js';
import { permissionsFor } from '../domain/hazards/hazard-status.js';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import './hazard-audit-actions.js';
import { hazardPhotoRoutes } from './hazard-photo-routes.js';
import { hazardPublicRoutes } from './hazard-public-routes.js';
import {
  Hazard,
  HazardChangeBody,
  HazardDraftBody,
  HazardList,
  HazardListQuery,
  HazardReply,
  LedgerQuery,
  LedgerReply,
} from './hazard-schemas.js';
import type { HazardChangeInput, HazardDraftInput, HazardsService } from './hazards-service.js';
import { idempotent } from './idempotent-reply.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { errorReplies, MessageIdParams, WriteHeaders } from './schemas/common-schemas.js';

const CHANGE_AUDIT: Record<HazardChangeInput['status'], AuditAction | undefined> = {
  reported: undefined,
  verified: 'hazard.verified',
  handled: 'hazard.handled',
  closed: 'hazard.closed',
};

/** Registers every hazard route; none when the node has no hazards workflow. */
export function hazardRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const hazards = ctx.deps.hazards;
  if (hazards === undefined) return;
  writeRoutes(app, ctx, hazards);
  readRoutes(app, ctx, hazards);
  hazardPhotoRoutes(app, hazards);
  hazardPublicRoutes(app, hazards);
}

function writeRoutes(app: FastifyInstance, ctx: ApiRouteContext, hazards: HazardsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/hazards',
    {
      config: { access: { who: 'permitted', permission: 'hazard.file' } },
      bodyLimit: 8 * 1024,
      schema: {
        summary: 'Report a hazard (隐患) found in inspection',
        description:
          'Checks the draft (every problem at once: 400 HAZARD_REJECTED with `problems`), makes its message to the centre, stores it synced and records it in the ledger; the photos it names (uploaded first) are kept here under it and never go on air. The reporter is the person signed in. Exactly once per Idempotency-Key, across restarts.',
        tags: ['hazards'],
        headers: WriteHeaders,
        body: HazardDraftBody,
        response: { 201: HazardReply, ...errorReplies(400, 401, 403, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const draft = request.body as HazardDraftInput;
      const area = draft.area ?? hazards.defaultArea();
      if (!withinScope(request.scope as PermissionScope, area))
        throw new ApiError(
          'API_FORBIDDEN',
          area === undefined
            ? 'this node has no area of its own: name the area the hazard is in'
            : `you may not report hazards in area ${area}`,
        );
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `hazard:${person.id}`,
        mark: () => hazards.mark(),
        run: async (earlier) => {
          const made = await hazards.file(draft, person, earlier);
          const h = made.hazard;
          await ctx.audit({
            actor: person.id,
            action: 'hazard.reported',
            subject: h.id,
            details: {
              hazard: h.hazard,
              severity: h.severity,
              ...(h.area === undefined ? {} : { area: h.area }),
              ...(h.sector === undefined ? {} : { sector: h.sector }),
              photos: h.photos,
              exercise: h.exercise,
              ...(earlier === undefined ? {} : { resumed: true }),
            },
          });
          return {
            status: 201,
            body: { hazard: h, message: { id: made.message, href: `/api/messages/${made.message}` } },
          };
        },
      });
    },
  );

  api.post(
    '/api/hazards/:origin/:seq/status',
    {
      config: { access: { who: 'signed-in' } },
      bodyLimit: 4 * 1024,
      schema: {
        summary: 'Change a hazard’s status: verified (核实), handled (处置) or closed (销号)',
        description:
          'Verifying and closing need hazard.verify in the hazard’s area; marking it handled needs hazard.file or hazard.verify there. A hazard only moves forward: 409 HAZARD_STATUS_INVALID otherwise. Only a verification may correct its type, severity, sector, place and the people at risk. The change goes to the centre from a kit, and to the reporting kit from the centre. Exactly once per Idempotency-Key, across restarts.',
        tags: ['hazards'],
        params: MessageIdParams,
        headers: WriteHeaders,
        body: HazardChangeBody,
        response: { 201: HazardReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = `${request.params.origin}/${request.params.seq}`;
      const change = request.body as HazardChangeInput;
      const hazard = hazards.get(id);
      const people = ctx.deps.people;
      if (hazard === undefined || !withinScope(people.scope(person, 'hazard.view'), hazard.area))
        throw new ApiError('HAZARD_UNKNOWN', `no hazard ${id} that you may see`, { status: 404 });
      const may = permissionsFor(change.status).some((p) =>
        withinScope(people.scope(person, p), hazard.area),
      );
      if (!may)
        throw new ApiError(
          'API_FORBIDDEN',
          `your roles do not allow marking hazard ${id} ${change.status}: that needs ${permissionsFor(change.status).join(' or ')} in its area`,
        );
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `hazard-change:${person.id}:${id}`,
        mark: () => hazards.mark(),
        run: async (earlier) => {
          const made = await hazards.change(id, change, person, earlier);
          const action = CHANGE_AUDIT[change.status];
          if (action !== undefined)
            await ctx.audit({
              actor: person.id,
              action,
              subject: id,
              details: {
                message: made.message,
                status: made.hazard.status,
                ...(change.severity === undefined ? {} : { severity: change.severity }),
                ...(change.hazard === undefined ? {} : { hazard: change.hazard }),
                exercise: made.hazard.exercise,
                ...(earlier === undefined ? {} : { resumed: true }),
              },
            });
          return {
            status: 201,
            body: {
              hazard: made.hazard,
              message: { id: made.message, href: `/api/messages/${made.message}` },
            },
          };
        },
      });
    },
  );
}

function readRoutes(app: FastifyInstance, ctx: ApiRouteContext, hazards: HazardsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/hazards',
    {
      config: { access: { who: 'permitted', permission: 'hazard.view' } },
      schema: {
        summary: 'The hazards held here within your areas, the latest reported first',
        tags: ['hazards'],
        querystring: HazardListQuery,
        response: { 200: HazardList, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const q = request.query;
      const all = hazards.list({
        scope: request.scope as PermissionScope,
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.open === undefined ? {} : { open: q.open }),
      });
      const page = q.page ?? 1;
      const perPage = q.per_page ?? 100;
      return {
        items: all.slice((page - 1) * perPage, page * perPage),
        page: { page, perPage, total: all.length },
      };
    },
  );

  api.get(
    '/api/hazards/ledger',
    {
      config: { access: { who: 'permitted', permission: 'hazard.view' } },
      schema: {
        summary: 'The hazard ledger’s tallies within your areas: by area (at a level), type or sector',
        description:
          'Each row: how many hazards, how many still open, by status and severity, and the people the open ones threaten. On a drill node, its drill’s hazards; elsewhere the real ones.',
        tags: ['hazards'],
        querystring: LedgerQuery,
        response: { 200: LedgerReply, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request) =>
      hazards.ledger({
        scope: request.scope as PermissionScope,
        by: request.query.by ?? 'area',
        ...(request.query.level === undefined ? {} : { level: request.query.level }),
      }),
  );

  api.get(
    '/api/hazards/:origin/:seq',
    {
      config: { access: { who: 'permitted', permission: 'hazard.view' } },
      schema: {
        summary: 'One hazard, by its opening report’s message id',
        tags: ['hazards'],
        params: MessageIdParams,
        response: { 200: Hazard, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const id = `${request.params.origin}/${request.params.seq}`;
      const hazard = hazards.get(id);
      if (hazard === undefined || !withinScope(request.scope as PermissionScope, hazard.area))
        throw new ApiError('HAZARD_UNKNOWN', `no hazard ${id} that you may see`, { status: 404 });
      return hazard;
    },
  );

  api.get(
    '/api/export/hazards.csv',
    {
      config: { access: { who: 'permitted', permission: 'hazard.view' } },
      schema: {
        summary: 'The hazard ledger (隐患台账) as CSV, within your areas',
        description: 'UTF-8 with a byte-order mark and CRLF line ends, as Excel and WPS open it.',
        tags: ['hazards'],
        response: { 200: Type.String({ description: 'text/csv' }), ...errorReplies(401, 403, 503) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const scope = request.scope as PermissionScope;
      const csv = hazards.exportCsv(scope);
      await ctx.audit({
        actor: person.id,
        action: 'hazard.exported',
        details: { format: 'csv', areas: scope.all ? 'all' : [...scope.areas] },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="hazards.csv"')
        .send(csv);
    },
  );
}

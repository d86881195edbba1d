/**
 * The shelter routes (docs/shelters.md §The API; docs/shelters.md): count people in and out of a
 * shelter (安置点) at its kit, check a person in or out by registration id (登记号), the shelters'
 * figures with their totals by area and the duplicate check-ins, the people still unaccounted for
 * (未清点), the CSV, and the public view, which names no person and no id.
 *
 * Who may do what is the roster's table (node/src/domain/roster/permissions.ts): `shelter.record`
 * in the shelter's area to count and check in, `shelter.view` to see the figures and the list of
 * names. Counting and checking in run under their idempotency key in the durable store, as filing
 * a report does.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { AuditDraft } from '../domain/audit/audit-entry.js';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { errorReplies, WriteHeaders } from './schemas/common-schemas.js';
import './shelter-audit-actions.js';
import type { FilingMark } from './reports-service.js';
import {
  CheckinBody,
  PublicShelterList,
  ShelterCountBody,
  ShelterParams,
  ShelterReply,
  SheltersQuery,
  SheltersReply,
  UnaccountedReply,
} from './shelter-schemas.js';
import type { CheckinInput, ShelterCountInput, ShelterMade, SheltersService } from './shelters-service.js';

/** Registers every shelter route; none when the node has no shelters workflow. */
export function shelterRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const shelters = ctx.deps.shelters;
  if (shelters === undefined) return;
  writeRoutes(app, ctx, shelters);
  readRoutes(app, ctx, shelters);
}

/** One write at a shelter: who may, what it sends, what the audit log keeps. */
interface ShelterWrite<B> {
  path: 'counts' | 'checkins';
  summary: string;
  description: string;
  body: TSchema;
  run(number: number, input: B, person: ApiPerson, earlier: FilingMark | undefined): Promise<ShelterMade>;
  audit(number: number, input: B, made: ShelterMade): Pick<AuditDraft, 'action' | 'details'>;
}

function writeRoutes(app: FastifyInstance, ctx: ApiRouteContext, shelters: SheltersService): void {
  writeRoute<ShelterCountInput>(app, ctx, shelters, {
    path: 'counts',
    summary: 'Count people in and out of a shelter (安置点) at its kit',
    description:
      'Adds `in` and takes `out` from the shelter’s head count and sends the new absolute count to the centre as a roll-call (kind 7). Needs shelter.record in the shelter’s area. 409 SHELTER_REJECTED when more leave than it holds. Exactly once per Idempotency-Key, across restarts.',
    body: ShelterCountBody,
    run: (number, input, person, earlier) => shelters.count(number, input, person, earlier),
    audit: (number, input, m) => ({
      action: 'shelter.counted',
      details: { shelter: number, in: input.in ?? 0, out: input.out ?? 0, present: m.shelter.present },
    }),
  });
  writeRoute<CheckinInput>(app, ctx, shelters, {
    path: 'checkins',
    summary: 'Check a person in or out of a shelter by registration id (登记号) or roster id',
    description:
      'Never by name: the roll-call carries the registration id (or, for someone on the roster, the roster id) and at most the age band and vulnerability flags. Moves the head count by one. 409 SHELTER_REJECTED for a person checked in here already, or checked out who is not in. Exactly once per Idempotency-Key, across restarts.',
    body: CheckinBody,
    run: (number, input, person, earlier) => shelters.checkin(number, input, person, earlier),
    audit: (number, input, m) => ({
      action: input.movement === 'in' ? 'shelter.checked-in' : 'shelter.checked-out',
      details: {
        shelter: number,
        ...(input.registration === undefined
          ? { person: input.person ?? 0 }
          : { registration: input.registration }),
        present: m.shelter.present,
      },
    }),
  });
}

function writeRoute<B>(
  app: FastifyInstance,
  ctx: ApiRouteContext,
  shelters: SheltersService,
  w: ShelterWrite<B>,
): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    `/api/shelters/:number/${w.path}`,
    {
      config: { access: { who: 'signed-in' } },
      bodyLimit: 1024,
      schema: {
        summary: w.summary,
        description: w.description,
        tags: ['shelters'],
        params: ShelterParams,
        headers: WriteHeaders,
        body: w.body,
        response: { 201: ShelterReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const number = request.params.number;
      const person = request.person as ApiPerson;
      // The shelter must be in the registry here, in the person's areas for shelter.record.
      const site = shelters.site(number);
      if (site === undefined)
        throw new ApiError('SHELTER_UNKNOWN', `no shelter ${number} in this node's registry`, {
          status: 404,
        });
      if (!withinScope(ctx.deps.people.scope(person, 'shelter.record'), site.area))
        throw new ApiError(
          'API_FORBIDDEN',
          `you may not count people at shelter ${number} (area ${site.area})`,
        );
      const input = request.body as B;
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `shelter-${w.path}:${person.id}:${number}`,
        mark: () => shelters.mark(),
        run: async (earlier) => {
          const m = await w.run(number, input, person, earlier);
          await ctx.audit({ actor: person.id, subject: m.message, ...w.audit(number, input, m) });
          return {
            status: 201,
            body: { shelter: m.shelter, message: { id: m.message, href: `/api/messages/${m.message}` } },
          };
        },
      });
    },
  );
}

function readRoutes(app: FastifyInstance, ctx: ApiRouteContext, shelters: SheltersService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/public/shelters',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'The shelters anyone may see: place, capacity and head count, never a person',
        tags: ['shelters'],
        response: { 200: PublicShelterList, ...errorReplies(503) },
      },
    },
    async () => ({ items: shelters.publicList() }),
  );

  api.get(
    '/api/shelters',
    {
      config: { access: { who: 'permitted', permission: 'shelter.view' } },
      schema: {
        summary: 'The shelters within your areas, their totals by area and the duplicate check-ins',
        description:
          'Totals at `level` (default township) name the quick report’s indicators: relocatedCurrent (紧急转移安置人口 实时), relocatedCumulative (累计), shelterSites (集中安置点数量), of the people in shelters.',
        tags: ['shelters'],
        querystring: SheltersQuery,
        response: { 200: SheltersReply, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request) =>
      shelters.list({ scope: request.scope as PermissionScope, level: request.query.level ?? 'township' }),
  );

  api.get(
    '/api/shelters/unaccounted',
    {
      config: { access: { who: 'permitted', permission: 'shelter.view' } },
      schema: {
        summary:
          'The people the evacuation lists expect whom no shelter has checked in (未清点), within your areas',
        description: 'Names: signed in only, and each reading is audited.',
        tags: ['shelters'],
        response: { 200: UnaccountedReply, ...errorReplies(401, 403, 503) },
      },
    },
    async (request) => {
      const scope = request.scope as PermissionScope;
      const reply = shelters.unaccounted(scope);
      await ctx.audit({
        actor: (request.person as ApiPerson).id,
        action: 'shelter.unaccounted-viewed',
        details: { count: reply.items.length, areas: scope.all ? 'all' : [...scope.areas] },
      });
      return reply;
    },
  );

  api.get(
    '/api/export/shelters.csv',
    {
      config: { access: { who: 'permitted', permission: 'shelter.view' } },
      schema: {
        summary: 'The shelter figures as CSV, within your areas',
        description:
          'UTF-8 with a byte-order mark and CRLF line ends, as Excel and WPS open it. Counts only.',
        tags: ['shelters'],
        response: { 200: Type.String({ description: 'text/csv' }), ...errorReplies(401, 403, 503) },
      },
    },
    async (request, reply: FastifyReply) => {
      const scope = request.scope as PermissionScope;
      const csv = shelters.exportCsv(scope);
      await ctx.audit({
        actor: (request.person as ApiPerson).id,
        action: 'shelter.exported',
        details: { format: 'csv', areas: scope.all ? 'all' : [...scope.areas] },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="shelters.csv"')
        .send(csv);
    },
  );
}

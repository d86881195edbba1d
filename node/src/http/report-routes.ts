/**
 * The report routes (docs/api.md §Reports): file a disaster report (初报, 续报, 核报), preview what
 * filing it would put on air, list and read the reports held here (each with what it changed),
 * export them as the quick-report CSV. Each calls the ReportsService
 * (reports-service.ts); what a person may see or file is checked here, by area, against their
 * `report.view` and `report.file` scopes (node/src/domain/roster/permissions.ts).
 *
 * Filing runs under its idempotency key in the durable store: a form sent again after the kit
 * restarted files its report once (docs/api.md §Idempotency). The preview writes nothing, so it
 * needs no key; it is a POST all the same (the draft is a body) and so needs the session's CSRF
 * token: what it answers (links, credits) is not for another site's page.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { frozenJson } from './frozen-json.js';
import { idempotent } from './idempotent-reply.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import type { ReportDraftInput } from './reports-service.js';
import {
  DryRunHeaders,
  errorReplies,
  MessageIdParams,
  PageQuery,
  WriteHeaders,
} from './schemas/common-schemas.js';
import { FiledReply, PreviewReply, Report, ReportDraftBody, ReportPage } from './schemas/report-schemas.js';

export function reportRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const reports = ctx.deps.reports;

  api.post(
    '/api/reports',
    {
      config: { access: { who: 'permitted', permission: 'report.file' } },
      bodyLimit: 16 * 1024,
      schema: {
        summary: 'File a disaster report (初报, 续报 or 核报)',
        description:
          'Checks the draft (every problem at once: 400 REPORT_REJECTED with `problems`), makes its message, stores it synced and routes it. The reporter is the person signed in. Exactly once per Idempotency-Key, across restarts.',
        tags: ['reports'],
        headers: WriteHeaders,
        body: ReportDraftBody,
        response: { 201: FiledReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const draft = request.body as ReportDraftInput;
      mayFileFor(draft, reports.defaultArea(), request.scope as PermissionScope);
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `report:${person.id}`,
        mark: () => reports.filingMark(),
        run: async (earlier) => {
          const filed = await reports.file(draft, person, earlier);
          const { report } = filed;
          await ctx.audit({
            actor: person.id,
            action: 'report.filed',
            subject: report.id,
            details: {
              incident: report.incidentId,
              stage: report.stage,
              version: report.version,
              ...(report.area === undefined ? {} : { area: report.area }),
              ...(earlier === undefined ? {} : { resumed: true }),
            },
          });
          return {
            status: 201,
            body: {
              report,
              unexplained: filed.unexplained,
              message: { id: report.id, href: `/api/messages/${report.id}` },
            },
          };
        },
      });
    },
  );

  api.post(
    '/api/reports/preview',
    {
      config: { access: { who: 'permitted', permission: 'report.file' }, writesNothing: true },
      bodyLimit: 16 * 1024,
      schema: {
        summary: 'What filing this draft would put on air: its bytes, links and satellite credits',
        description:
          'The same draft and the same checks as POST /api/reports (400 REPORT_REJECTED with every problem), but nothing is numbered, stored or sent: no Idempotency-Key is needed. The message is encoded and authenticated as this node would make it; each link it would be due on, now or as a fallback later, is given with the bytes and credits it would cost sent alone.',
        tags: ['reports'],
        headers: DryRunHeaders,
        body: ReportDraftBody,
        response: { 200: PreviewReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 503) },
      },
    },
    async (request) => {
      const draft = request.body as ReportDraftInput;
      mayFileFor(draft, reports.defaultArea(), request.scope as PermissionScope);
      return reports.preview(draft, request.person as ApiPerson);
    },
  );

  api.get(
    '/api/reports',
    {
      config: { access: { who: 'permitted', permission: 'report.view' } },
      schema: {
        summary: 'The reports held here, newest first, within the areas you may see',
        tags: ['reports'],
        querystring: PageQuery,
        response: { 200: ReportPage, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request, reply) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 20;
      const { items, total } = await reports.list({
        scope: request.scope as PermissionScope,
        offset: (page - 1) * perPage,
        limit: perPage,
      });
      // The ReportPage schema's shape, written from each report's JSON made once (frozen-json.ts):
      // the same reports are listed page after page.
      const json = `{"items":[${items.map(frozenJson).join(',')}],"page":${JSON.stringify({ page, perPage, total })}}`;
      // The JSON is sent as it is (Fastify serialises no string), under the type the schema declares.
      return reply.type('application/json; charset=utf-8').send(json as unknown as Static<typeof ReportPage>);
    },
  );

  api.get(
    '/api/reports/:origin/:seq',
    {
      config: { access: { who: 'permitted', permission: 'report.view' } },
      schema: {
        summary: 'One report, by its message id',
        tags: ['reports'],
        params: MessageIdParams,
        response: { 200: Report, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const id = `${request.params.origin}/${request.params.seq}`;
      const report = await reports.get(id);
      // Outside the person's areas it does not exist for them.
      if (report === undefined || !withinScope(request.scope as PermissionScope, report.area))
        throw new ApiError('API_NOT_FOUND', `no report ${id} that you may see`);
      return report;
    },
  );

  api.get(
    '/api/export/reports.csv',
    {
      config: { access: { who: 'permitted', permission: 'report.view' } },
      schema: {
        summary: 'The quick-report CSV (自然灾害损失情况统计快报表 columns) of the incidents you may see',
        description: 'UTF-8 with a byte-order mark and CRLF line ends, as Excel and WPS open it.',
        tags: ['reports'],
        response: { 200: Type.String({ description: 'text/csv' }), ...errorReplies(401, 403, 503) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const scope = request.scope as PermissionScope;
      const csv = await reports.exportCsv(scope);
      await ctx.audit({
        actor: person.id,
        action: 'report.exported',
        details: { format: 'csv', areas: scope.all ? 'all' : scope.areas.map((a) => a) },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="reports.csv"')
        .send(csv);
    },
  );
}

/** Refuses a draft for an area outside the person's `report.file` scope (or with no area at all). */
function mayFileFor(draft: ReportDraftInput, ownArea: number | undefined, scope: PermissionScope): void {
  const area = draft.area ?? ownArea;
  if (!withinScope(scope, area))
    throw new ApiError(
      'API_FORBIDDEN',
      area === undefined
        ? 'this node has no area of its own: name the area the report is for'
        : `you may not file reports for area ${area}: only for ${describeScope(scope)}`,
    );
}

function describeScope(scope: PermissionScope): string {
  return scope.all ? 'every area' : `area ${scope.areas.join(', ')}`;
}

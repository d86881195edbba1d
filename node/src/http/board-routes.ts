/**
 * The centre's board routes (docs/api.md §The board; docs/reports.md §Reminders and the overdue
 * list, §Aggregation, §County time): what is overdue now and the totals per township or county,
 * computed by the reports domain over the incident book, within the areas the person may see
 * (`report.view`). The deadlines fall on the county's clock (`county.time_zone`), whatever the
 * system's zone, and each overdue line carries its deadline written on that clock. The areas'
 * names, as the roster gives them, label the lists' codes.
 *
 * On a drill node (its status says `drill`: docs/ui.md §Drill mode) both are the drill's; on any
 * other node the real incidents' alone: the domain never sums a drill with real figures.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from './api-route-context.js';
import type { PermissionScope } from './people-directory.js';
import { errorReplies } from './schemas/common-schemas.js';
import { AreaNamesReply, OverdueReply, TotalsQuery, TotalsReply } from './schemas/report-schemas.js';

export function boardRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { reports } = ctx.deps;
  const exercise = () => ctx.deps.status().node.drill === true;

  api.get(
    '/api/reports/overdue',
    {
      config: { access: { who: 'permitted', permission: 'report.view' } },
      schema: {
        summary: 'What is overdue now, the longest first, within the areas you may see',
        description:
          'One line per incident and duty (初报, 续报, 核报): the earliest deadline missed, on the county clock too, how many were missed and for how long.',
        tags: ['reports'],
        response: { 200: OverdueReply, ...errorReplies(401, 403, 503) },
      },
    },
    async (request) => reports.overdue({ scope: request.scope as PermissionScope, exercise: exercise() }),
  );

  api.get(
    '/api/areas',
    {
      config: { access: { who: 'permitted', permission: 'report.view' } },
      schema: {
        summary: 'The names of the areas the roster names, for the board to show instead of codes',
        tags: ['reports'],
        response: { 200: AreaNamesReply, ...errorReplies(401, 403, 503) },
      },
    },
    async () => ({ items: ctx.deps.people.areaNames() }),
  );

  api.get(
    '/api/reports/totals',
    {
      config: { access: { who: 'permitted', permission: 'report.view' } },
      schema: {
        summary:
          'Each area’s totals at a level (township by default, or county), within the areas you may see',
        description:
          'The sum of every incident’s standing figures after its latest report, per area; incidents that cannot be placed at the level in a total without an area.',
        tags: ['reports'],
        querystring: TotalsQuery,
        response: { 200: TotalsReply, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request) =>
      reports.totals({
        scope: request.scope as PermissionScope,
        level: request.query.level ?? 'township',
        exercise: exercise(),
      }),
  );
}

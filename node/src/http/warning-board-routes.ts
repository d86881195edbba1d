/**
 * The centre's 叫应 board routes (docs/api.md §Warnings; docs/warnings.md §The board, §The record):
 * the calls of one warning with when the next escalation step falls due, the 未叫应 list across
 * the open warnings, and a warning's closed-loop record as CSV. They name people of the whole
 * county, so they are for whoever may see the board (warning-access.ts); a kit keeps no board and
 * answers 404 for a warning's calls.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { errorReplies, MessageIdParams } from './schemas/common-schemas.js';
import { CallBoard, CallList } from './schemas/warning-schemas.js';
import { mustSeeCallBoard } from './warning-route-guards.js';
import type { WarningsService } from './warnings-service.js';

export function warningBoardRoutes(
  app: FastifyInstance,
  ctx: ApiRouteContext,
  warnings: WarningsService,
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const who = 'Needs warning.issue or report.view everywhere (the duty officer).';

  api.get(
    '/api/warnings/unanswered',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: '未叫应: the unanswered calls of open warnings, the longest waiting first',
        description: who,
        tags: ['warnings'],
        response: { 200: CallList, ...errorReplies(401, 403, 503) },
      },
    },
    async (request) => {
      mustSeeCallBoard(ctx, request);
      return warnings.unanswered();
    },
  );

  api.get(
    '/api/warnings/:origin/:seq/calls',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: 'The 叫应 board of one warning: every call, 未叫应 first, and when the next step falls due',
        description: `${who} 404 for a warning the centre did not send (and at a kit, which keeps no board).`,
        tags: ['warnings'],
        params: MessageIdParams,
        response: { 200: CallBoard, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      mustSeeCallBoard(ctx, request);
      const id = `${request.params.origin}/${request.params.seq}`;
      const board = await warnings.calls(id);
      if (board === undefined) throw new ApiError('API_NOT_FOUND', `no 叫应 board for warning ${id} here`);
      return board;
    },
  );

  api.get(
    '/api/export/warnings/:origin/:seq/calls.csv',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: 'The closed-loop record of one warning (有叫、有应、有记录) as CSV, one row per call',
        description: `${who} UTF-8 with a byte-order mark and CRLF line ends, as Excel and WPS open it; every time on the county clock.`,
        tags: ['warnings'],
        produces: 'text/csv',
        params: MessageIdParams,
        response: { 200: Type.String({ description: 'text/csv' }), ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      mustSeeCallBoard(ctx, request);
      const { origin, seq } = request.params;
      const csv = await warnings.callRecordCsv(`${origin}/${seq}`);
      if (csv === undefined)
        throw new ApiError('API_NOT_FOUND', `no record of warning ${origin}/${seq} here`);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="warning-${origin}-${seq}-calls.csv"`)
        .send(csv);
    },
  );
}

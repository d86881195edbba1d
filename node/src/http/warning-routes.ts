/**
 * The warning routes (docs/api.md §Warnings; docs/warnings.md): list and read the warnings held
 * here, issue, update or cancel one at the centre (with a preview of what it would put on air and
 * its CAP), and answer one at a kit (叫应). Each calls the WarningsService (warnings-service.ts);
 * who may read which warning is warning-access.ts's rule, checked here once the warning is known.
 * The board (warning-board-routes.ts), CAP (warning-cap-routes.ts) and the public routes
 * (warning-public-routes.ts) are registered from here, and only when the node has a warnings
 * workflow at all.
 *
 * Issuing runs under its idempotency key in the durable store, like filing a report: a form sent
 * again after the centre restarted issues its warning once (docs/api.md §Idempotency). An answer's
 * key is kept there too, so a phone that sends its 收到 again after a restart is told it went.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditAction } from '../domain/audit/audit-actions.js';
import type { AuditDetails } from '../domain/audit/audit-entry.js';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { DryRunHeaders, errorReplies, MessageIdParams, WriteHeaders } from './schemas/common-schemas.js';
import {
  AnswerBody,
  AnswerReply,
  IssuedReply,
  Warning,
  WarningDraftBody,
  WarningList,
  WarningListQuery,
  WarningPreviewReply,
} from './schemas/warning-schemas.js';
import { readPermissions, warningWithinScope } from './warning-access.js';
import { warningBoardRoutes } from './warning-board-routes.js';
import { warningCapRoutes } from './warning-cap-routes.js';
import { warningPublicRoutes } from './warning-public-routes.js';
import { readableWarning, readScope } from './warning-route-guards.js';
import type { AnswerInput, WarningDraftInput, WarningsService, WarningView } from './warnings-service.js';

const AUDIT: Record<WarningView['action'], AuditAction> = {
  issue: 'warning.issued',
  update: 'warning.updated',
  cancel: 'warning.cancelled',
};

/** Registers every warning route; none when the node has no warnings workflow. */
export function warningRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const warnings = ctx.deps.warnings;
  if (warnings === undefined) return;
  readRoutes(app, ctx, warnings);
  issueRoutes(app, ctx, warnings);
  warningBoardRoutes(app, ctx, warnings);
  warningCapRoutes(app, ctx, warnings);
  warningPublicRoutes(app, warnings);
}

function readRoutes(app: FastifyInstance, ctx: ApiRouteContext, warnings: WarningsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const who = readPermissions(warnings.role).join(' or ');

  api.get(
    '/api/warnings',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary:
          'The warnings held here within your areas, newest first; only those in force with active=true',
        description: `Needs ${who}; a warning is yours when one of its areas lies within one of yours or contains it.`,
        tags: ['warnings'],
        querystring: WarningListQuery,
        response: { 200: WarningList, ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request) =>
      warnings.list({ scope: readScope(ctx, warnings, request), active: request.query.active ?? false }),
  );

  api.get(
    '/api/warnings/:origin/:seq',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: 'One warning, by its message id',
        description: `Needs ${who}; outside your areas it is 404.`,
        tags: ['warnings'],
        params: MessageIdParams,
        response: { 200: Warning, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) =>
      readableWarning(ctx, warnings, request, `${request.params.origin}/${request.params.seq}`),
  );

  api.post(
    '/api/warnings/:origin/:seq/answers',
    {
      config: { access: { who: 'permitted', permission: 'warning.answer' } },
      bodyLimit: 4 * 1024,
      schema: {
        summary: 'Answer a warning at this kit (叫应): 收到, or a report of action with counts',
        description:
          'The person signed in answers. The first answer to a warning goes at once; those of the next seconds ride with it (`sending`). 404 WARNING_UNKNOWN for a warning not held here or outside your areas (unless it names you), 409 WARNING_CLOSED once it is cancelled, superseded or expired, 409 WARNING_NOT_HERE at the centre.',
        tags: ['warnings'],
        params: MessageIdParams,
        headers: WriteHeaders,
        body: AnswerBody,
        response: { 201: AnswerReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = `${request.params.origin}/${request.params.seq}`;
      const warning = await warnings.get(id);
      const scope = request.scope as PermissionScope;
      if (
        warning !== undefined &&
        !warningWithinScope(scope, warning) &&
        !warning.persons?.includes(person.id)
      )
        throw new ApiError('WARNING_UNKNOWN', `no warning ${id} that you may answer`);
      const input = request.body as AnswerInput;
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        // The route's fingerprint has its pattern, not the id: the id goes in the key's scope.
        scope: `warning-answer:${person.id}:${id}`,
        run: async () => {
          const result = await warnings.answer(id, person, input);
          await ctx.audit({
            actor: person.id,
            action: 'warning.answered',
            subject: id,
            details: {
              state: result.state,
              sending: result.sending,
              ...(input.evacuated === undefined ? {} : { evacuated: input.evacuated }),
              ...(input.notified === undefined ? {} : { notified: input.notified }),
            },
          });
          return { status: 201, body: result };
        },
      });
    },
  );
}

function issueRoutes(app: FastifyInstance, ctx: ApiRouteContext, warnings: WarningsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/warnings',
    {
      config: { access: { who: 'permitted', permission: 'warning.issue' } },
      bodyLimit: 16 * 1024,
      schema: {
        summary: 'Issue, update or cancel a warning (发布, 更新, 解除), signed with this node’s issuer key',
        description:
          'Checks the draft (every problem at once: 400 WARNING_REJECTED with `problems`), signs and sends the warning and opens its calls (叫应). 409 WARNING_NO_ISSUER where the node holds no issuer key; 404 WARNING_UNKNOWN for an update or cancel of a warning not held here; 409 WARNING_CLOSED for one already ended. Exactly once per Idempotency-Key, across restarts.',
        tags: ['warnings'],
        headers: WriteHeaders,
        body: WarningDraftBody,
        response: { 201: IssuedReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const draft = request.body as WarningDraftInput;
      await mayIssueFor(draft, warnings, request.scope as PermissionScope);
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `warning:${person.id}`,
        mark: () => warnings.issueMark(),
        run: async (earlier) => {
          const warning = await warnings.issue(draft, person, earlier);
          await ctx.audit({
            actor: person.id,
            action: AUDIT[warning.action],
            subject: warning.id,
            details: { ...auditDetails(warning), ...(earlier === undefined ? {} : { resumed: true }) },
          });
          return { status: 201, body: { warning } };
        },
      });
    },
  );

  api.post(
    '/api/warnings/preview',
    {
      config: { access: { who: 'permitted', permission: 'warning.issue' }, writesNothing: true },
      bodyLimit: 16 * 1024,
      schema: {
        summary: 'What issuing this draft would put on air: its bytes, links, CAP and how many it calls',
        description:
          'The same draft and the same checks as POST /api/warnings (400 WARNING_REJECTED with every problem), but nothing is numbered, signed into the store or sent: no Idempotency-Key is needed.',
        tags: ['warnings'],
        headers: DryRunHeaders,
        body: WarningDraftBody,
        response: { 200: WarningPreviewReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 503) },
      },
    },
    async (request) => {
      const draft = request.body as WarningDraftInput;
      await mayIssueFor(draft, warnings, request.scope as PermissionScope);
      return warnings.preview(draft, request.person as ApiPerson);
    },
  );
}

/**
 * Refuses a draft for an area outside the person's `warning.issue` scope. An update or cancel
 * without areas keeps its thread's, so those are checked; a warning by circle alone, which names
 * no area, needs the scope everywhere.
 */
async function mayIssueFor(
  draft: WarningDraftInput,
  warnings: WarningsService,
  scope: PermissionScope,
): Promise<void> {
  if (scope.all) return;
  const areas =
    draft.areas ??
    (draft.references === undefined ? undefined : (await warnings.get(draft.references))?.areas) ??
    [];
  const outside = areas.filter((a) => !withinScope(scope, a));
  if (areas.length === 0 || outside.length > 0)
    throw new ApiError(
      'API_FORBIDDEN',
      areas.length === 0
        ? 'a warning that names no area may be issued only by whoever may issue everywhere: name its areas'
        : `you may not issue warnings for area ${outside.join(', ')}: only for area ${scope.areas.join(', ')}`,
    );
}

function auditDetails(w: WarningView): AuditDetails {
  return {
    thread: w.thread,
    event: w.event,
    level: w.level,
    colour: w.colour,
    areas: [...w.areas],
    exercise: w.exercise,
    ...(w.references === undefined ? {} : { references: w.references }),
  };
}

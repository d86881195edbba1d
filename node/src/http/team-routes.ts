/**
 * The team routes (docs/api.md §Teams; docs/teams.md): the teams with their members' positions and
 * the tasks, for whoever holds `team.view`; assigning a task at the centre for `team.task`; taking
 * a step at the team's kit, and a phone's position, for the team's members (`team.view`).
 * Registered only where the node has the teams workflow.
 *
 * Assigning and taking a step run under their idempotency key in the durable store, as a hazard is
 * filed: sent again after a restart, the same key gets the first reply, and nothing goes on air twice.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import type { ApiPerson } from './people-directory.js';
import { errorReplies, MessageIdParams, WriteHeaders } from './schemas/common-schemas.js';
import './team-audit-actions.js';
import { withTeamErrors } from './team-errors-http.js';
import {
  PositionBody,
  PositionReply,
  StepBody,
  Task,
  TaskBody,
  TaskList,
  TaskReply,
  TeamsReply,
} from './team-schemas.js';
import type { PositionInput, StepInput, TaskInput } from './team-service.js';

export function teamRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const teams = ctx.deps.teams;
  if (teams === undefined) return;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const now = ctx.deps.now ?? Date.now;
  const viewer = { access: { who: 'permitted', permission: 'team.view' } } as const;

  api.get(
    '/api/teams',
    {
      config: viewer,
      schema: {
        summary: 'The rescue teams (救援队): members, the leader, where each was last, open tasks',
        description: 'Needs team.view. At a team’s kit, that team only; at the centre, every team.',
        tags: ['teams'],
        response: { 200: TeamsReply, ...errorReplies(401, 403, 503) },
      },
    },
    async () => ({
      at: now(),
      centre: teams.centre,
      ...(teams.ownTeam === undefined ? {} : { ownTeam: teams.ownTeam }),
      teams: teams.teams(),
      positions: teams.positions(),
    }),
  );

  api.get(
    '/api/teams/tasks',
    {
      config: viewer,
      schema: {
        summary: 'The tasks held here, the latest assigned first, with every step',
        description: 'Needs team.view.',
        tags: ['teams'],
        response: { 200: TaskList, ...errorReplies(401, 403, 503) },
      },
    },
    async () => ({ at: now(), tasks: teams.tasks() }),
  );

  api.get(
    '/api/teams/tasks/:origin/:seq',
    {
      config: viewer,
      schema: {
        summary: 'One task, with every step',
        description: 'Needs team.view. 404 TEAM_TASK_UNKNOWN.',
        tags: ['teams'],
        params: MessageIdParams,
        response: { 200: Task, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const id = `${request.params.origin}/${request.params.seq}`;
      const task = teams.task(id);
      if (task === undefined) throw new ApiError('TEAM_TASK_UNKNOWN', `no task ${id} here`, { status: 404 });
      return task;
    },
  );

  api.post(
    '/api/teams/tasks',
    {
      config: { access: { who: 'permitted', permission: 'team.task' } },
      bodyLimit: 2048,
      schema: {
        summary: 'Assign a task to a team: what, where, by when',
        description:
          'Needs team.task, at the centre (409 TEAM_NOT_HERE at a kit). Sends a task message to the team’s kit alone, tagged with its key; 404 TEAM_UNKNOWN for a kit with no team, 400 TEAM_TASK_INVALID for words over 120 bytes or a time past. Exactly once per Idempotency-Key, across restarts.',
        tags: ['teams'],
        headers: WriteHeaders,
        body: TaskBody,
        response: { 201: TaskReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const input = request.body as TaskInput;
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `team-task:${person.id}`,
        run: async () => {
          const made = await withTeamErrors(() => teams.assign(input, person));
          await ctx.audit({
            actor: person.id,
            action: 'team.task-assigned',
            subject: made.task.id,
            details: {
              team: input.team,
              ...(input.area === undefined ? {} : { area: input.area }),
              ...(input.due === undefined ? {} : { due: input.due }),
              exercise: made.task.exercise,
            },
          });
          return {
            status: 201,
            body: { task: made.task, message: { id: made.message, href: `/api/messages/${made.message}` } },
          };
        },
      });
    },
  );

  api.post(
    '/api/teams/tasks/:origin/:seq/steps',
    {
      config: viewer,
      bodyLimit: 1024,
      schema: {
        summary:
          'Take a step on a task at the team’s kit: accepted, on scene, done, or declined with a reason',
        description:
          'Needs team.view, at the team’s kit (409 TEAM_NOT_HERE at the centre). Sends a task message to the centre naming the assignment; 409 TEAM_STEP_INVALID when the task cannot move there, 400 TEAM_TASK_INVALID for a decline without a reason. Exactly once per Idempotency-Key.',
        tags: ['teams'],
        params: MessageIdParams,
        headers: WriteHeaders,
        body: StepBody,
        response: { 201: TaskReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = `${request.params.origin}/${request.params.seq}`;
      const input = request.body as StepInput;
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `team-step:${person.id}:${id}`,
        run: async () => {
          const made = await withTeamErrors(() => teams.step(id, input, person));
          await ctx.audit({
            actor: person.id,
            action: 'team.task-step',
            subject: id,
            details: { step: input.step, message: made.message },
          });
          return {
            status: 201,
            body: { task: made.task, message: { id: made.message, href: `/api/messages/${made.message}` } },
          };
        },
      });
    },
  );

  api.post(
    '/api/teams/positions',
    {
      config: viewer,
      bodyLimit: 512,
      schema: {
        summary: 'The position of the person signed in, from the phone at the team’s kit',
        description:
          'Needs team.view, at a team’s kit. Goes on air as a position message to the centre at most once per teams.position_interval_s per person (sooner after moving teams.position_move_m, but not within a quarter interval); otherwise `sent: false` and when it may next go. Not idempotent: a repeat is rate-limited.',
        tags: ['teams'],
        headers: WriteHeaders,
        body: PositionBody,
        response: { 200: PositionReply, ...errorReplies(400, 401, 403, 409, 413, 415, 503, 507) },
      },
    },
    async (request) => {
      const person = request.person as ApiPerson;
      return withTeamErrors(() => teams.reportPosition(request.body as PositionInput, person));
    },
  );
}

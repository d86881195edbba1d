/**
 * The text routes (docs/api.md §Texts; docs/texts.md): the conversations held here with unread
 * counts, one conversation with the delivery state of each text sent here, sending a text, and
 * marking a conversation read; for whoever holds `text.send`. Registered only where the node has
 * the texts workflow. Sending runs under its idempotency key in the durable store, so a text
 * retried after a restart goes on air once.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import type { ApiPerson } from './people-directory.js';
import { errorReplies, WriteHeaders } from './schemas/common-schemas.js';
import './team-audit-actions.js';
import { withTeamErrors } from './team-errors-http.js';
import { ConversationList, ConversationParams, TextBody, TextList, TextReply } from './team-schemas.js';
import type { TextInput } from './text-service.js';

export function textRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const texts = ctx.deps.texts;
  if (texts === undefined) return;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const access = { access: { who: 'permitted', permission: 'text.send' } } as const;

  api.get(
    '/api/texts',
    {
      config: access,
      schema: {
        summary:
          'The conversations held here (the centre, kits, areas), the latest first, with unread counts',
        description: 'Needs text.send.',
        tags: ['texts'],
        response: { 200: ConversationList, ...errorReplies(401, 403, 503) },
      },
    },
    async () => ({ unread: texts.unread(), conversations: await texts.conversations() }),
  );

  api.get(
    '/api/texts/:conversation',
    {
      config: access,
      schema: {
        summary: 'One conversation’s texts, oldest first, each sent here with its delivery state',
        description: 'Needs text.send. An empty list for a conversation not begun.',
        tags: ['texts'],
        params: ConversationParams,
        response: { 200: TextList, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const list = await texts.texts(request.params.conversation);
      if (list === undefined)
        throw new ApiError('API_NOT_FOUND', `no conversation ${request.params.conversation}`, {
          status: 404,
        });
      return { conversation: request.params.conversation, texts: list };
    },
  );

  api.post(
    '/api/texts',
    {
      config: access,
      bodyLimit: 2048,
      schema: {
        summary: 'Send a short text to the centre, a kit or an area',
        description:
          'Needs text.send. At most 160 UTF-8 bytes (400 TEXT_TOO_LONG); `to` is centre, node-N or area-CODE (400 TEXT_DESTINATION_INVALID for a kit not enrolled). The writer is the person signed in, by roster id; the name never goes on air. Exactly once per Idempotency-Key, across restarts.',
        tags: ['texts'],
        headers: WriteHeaders,
        body: TextBody,
        response: { 201: TextReply, ...errorReplies(400, 401, 403, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const input = request.body as TextInput;
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `text:${person.id}`,
        run: async () => {
          const text = await withTeamErrors(() => texts.send(input, person));
          await ctx.audit({
            actor: person.id,
            action: 'text.sent',
            subject: text.id,
            details: { conversation: text.conversation, bytes: text.bytes },
          });
          return { status: 201, body: { text } };
        },
      });
    },
  );

  api.post(
    '/api/texts/:conversation/read',
    {
      config: access,
      bodyLimit: 64,
      schema: {
        summary: 'Mark a conversation read up to now',
        description: 'Needs text.send. Idempotent by nature: marking twice is marking once.',
        tags: ['texts'],
        params: ConversationParams,
        headers: Type.Object(
          { 'x-csrf-token': Type.String({ maxLength: 200 }) },
          { additionalProperties: true },
        ),
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 503) },
      },
    },
    async (request, reply) => {
      await texts.markRead(request.params.conversation);
      return reply.code(204).send(null);
    },
  );
}

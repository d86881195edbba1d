/**
 * The kit routes at the centre (docs/api.md §Kits; docs/kits.md): the kit board (every kit's last
 * word, health and alerts) for whoever holds `kit.view`, and the duty officer's actions on a lost
 * kit for whoever holds `kit.revoke`: revoke it, name its replacement, and download the handover
 * file the replacement takes. Registered only where the node has a kit board (the centre).
 *
 * Revoking and replacing run under their idempotency key in the durable store, as a warning is
 * issued: sent again after a restart, the same key gets the first reply, and nothing is signed twice.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import type { ApiPerson } from './people-directory.js';
import { errorReplies, WriteHeaders } from './schemas/common-schemas.js';
import {
  Kit,
  KitIdParams,
  KitList,
  ReplaceBody,
  ReplacedReply,
  RevokeBody,
  RevokedReply,
} from './schemas/kit-schemas.js';

export function kitRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const kits = ctx.deps.kits;
  if (kits === undefined) return;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const now = ctx.deps.now ?? Date.now;

  api.get(
    '/api/kits',
    {
      config: { access: { who: 'permitted', permission: 'kit.view' } },
      schema: {
        summary: 'The kit board: every kit’s last word, health and alerts, those with alerts first',
        description: 'Needs kit.view (the duty officer).',
        tags: ['kits'],
        response: { 200: KitList, ...errorReplies(401, 403, 503) },
      },
    },
    async () => ({ at: now(), kits: kits.list() }),
  );

  api.get(
    '/api/kits/:id',
    {
      config: { access: { who: 'permitted', permission: 'kit.view' } },
      schema: {
        summary: 'One kit, with its recent charge readings',
        description: 'Needs kit.view. 404 for a node that is no enrolled kit.',
        tags: ['kits'],
        params: KitIdParams,
        response: { 200: Kit, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const kit = kits.get(request.params.id);
      if (kit === undefined) throw new ApiError('KIT_UNKNOWN', `no kit ${request.params.id} here`);
      return kit;
    },
  );

  api.post(
    '/api/kits/:id/revoke',
    {
      config: { access: { who: 'permitted', permission: 'kit.revoke' } },
      bodyLimit: 1024,
      schema: {
        summary: 'Revoke a lost or stolen kit: a signed control message, to every node',
        description:
          'Needs kit.revoke. Signs a control message with this centre’s issuer key listing the kit (and every kit revoked before) in revokeNodes; from then on the centre refuses its frames, as every node does once it hears it. 404 KIT_UNKNOWN, 409 KIT_REVOKED when it is already, 409 KIT_NO_ISSUER without an issuer key with the control power. Exactly once per Idempotency-Key, across restarts.',
        tags: ['kits'],
        params: KitIdParams,
        headers: WriteHeaders,
        body: RevokeBody,
        response: { 201: RevokedReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = request.params.id;
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `kit-revoke:${person.id}:${id}`,
        run: async () => ({ status: 201, body: await kits.revoke(id, person.id) }),
      });
    },
  );

  api.post(
    '/api/kits/:id/replace',
    {
      config: { access: { who: 'permitted', permission: 'kit.revoke' } },
      bodyLimit: 1024,
      schema: {
        summary: 'Name the kit that carries on for a revoked one: its area, roster and open items',
        description:
          'Needs kit.revoke. The kit named must be enrolled (keys.nodes) for the same area. Its open incidents go to the new kit, the area’s roster is sent to it in a signed control message, and the board follows the lost kit to it; GET /api/kits/{id}/handover is then the file the new kit takes. 404 KIT_UNKNOWN, 409 KIT_NOT_REVOKED, 400 KIT_REPLACEMENT_INVALID, 409 KIT_NO_ISSUER.',
        tags: ['kits'],
        params: KitIdParams,
        headers: WriteHeaders,
        body: ReplaceBody,
        response: { 201: ReplacedReply, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 422, 503, 507) },
      },
    },
    async (request, reply) => {
      const person = request.person as ApiPerson;
      const id = request.params.id;
      const { by } = request.body as { by: number };
      return idempotent(request, reply, {
        store: ctx.reportKeys,
        scope: `kit-replace:${person.id}:${id}`,
        run: async () => ({ status: 201, body: await kits.replace(id, by, person.id) }),
      });
    },
  );

  api.get(
    '/api/kits/:id/handover',
    {
      config: { access: { who: 'permitted', permission: 'kit.revoke' } },
      schema: {
        summary: 'The handover file for the kit that replaced this one (its open incidents)',
        description:
          'Needs kit.revoke. JSON lines, as a download: copy it to the new kit and run `fieldnode kits adopt FILE` there before it starts (docs/kits.md §Open items). 404 when the kit was not replaced.',
        tags: ['kits'],
        produces: 'application/jsonl',
        params: KitIdParams,
        response: {
          200: Type.String({ description: 'application/jsonl' }),
          ...errorReplies(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const file = await kits.handover(request.params.id);
      if (file === undefined)
        throw new ApiError('API_NOT_FOUND', `kit ${request.params.id} was not replaced`);
      return reply
        .type('application/jsonl; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.name}"`)
        .send(file.text);
    },
  );
}

/**
 * What anyone on the kit's Wi-Fi may read without a PIN (docs/api.md §Warnings, §Roles;
 * docs/security.md §The kit's Wi-Fi): the warnings in force here, in the public view
 * (warning-public-view.ts: no person, no name), and the kit's alarm, so that a villager's phone
 * that is not signed in still shows the full-screen alarm. The centre sounds no alarm: 404 there.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-errors.js';
import { errorReplies } from './schemas/common-schemas.js';
import { Alarm, PublicWarningList } from './schemas/warning-schemas.js';
import type { WarningsService } from './warnings-service.js';

export function warningPublicRoutes(app: FastifyInstance, warnings: WarningsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/public/warnings',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'The warnings in force here, as anyone may read them: what, where, until when, what to do',
        tags: ['warnings'],
        response: { 200: PublicWarningList, ...errorReplies(503) },
      },
    },
    async () => warnings.publicActive(),
  );

  api.get(
    '/api/alarm',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'The kit’s alarm: what sounds, and the red and orange warnings nobody here has answered',
        description: 'Anyone may read it. 404 at the centre, which sounds no alarm.',
        tags: ['warnings'],
        response: { 200: Alarm, ...errorReplies(404, 503) },
      },
    },
    async () => {
      const alarm = warnings.alarm();
      if (alarm === undefined)
        throw new ApiError(
          'API_NOT_FOUND',
          'the centre sounds no alarm: GET /api/warnings/unanswered says who is silent',
        );
      return alarm;
    },
  );
}

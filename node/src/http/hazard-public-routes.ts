/**
 * The public view of hazards (docs/api.md §Hazards; docs/hazards.md §The public map): what anyone
 * on the kit's Wi-Fi may see, with no sign-in: the hazards checked on site and not yet closed,
 * where they are, what they are and how grave. Never who reported or checked them, never the words
 * typed (a description may name people), never a photo. A report not yet verified stays off it:
 * it may be a mistake or a prank, and a public map must not spread one.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { PublicHazardList } from './hazard-schemas.js';
import type { HazardsService } from './hazards-service.js';
import { errorReplies } from './schemas/common-schemas.js';

export function hazardPublicRoutes(app: FastifyInstance, hazards: HazardsService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/public/hazards',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'The hazards anyone may see: verified and not yet closed, without persons or words',
        tags: ['hazards'],
        response: { 200: PublicHazardList, ...errorReplies(503) },
      },
    },
    async () => ({ items: hazards.publicList() }),
  );
}

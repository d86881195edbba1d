/**
 * The map routes (docs/api.md §The map; docs/map.md): the outlines and points every page draws
 * the map from, open to anyone (they are the county's geography, and a villager's phone shows the
 * hazard map without a PIN); the tiles of the operator's PMTiles file, when there is one; and at
 * the centre the incidents the reports locate, for those who may see them (`report.view`).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import type { PermissionScope } from './people-directory.js';
import { Closed, errorReplies } from './schemas/common-schemas.js';

const TileParams = Closed({
  z: Type.Integer({ minimum: 0, maximum: 26 }),
  x: Type.Integer({ minimum: 0, maximum: 2 ** 26 - 1 }),
  y: Type.Integer({ minimum: 0, maximum: 2 ** 26 - 1 }),
});

export function mapRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const map = ctx.deps.map;
  if (map === undefined) return;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/map',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'The map: area outlines and points from the configuration, and the tiles if any',
        description:
          '`areas`: each area’s polygons (rings of [lon, lat], WGS-84, the first ring outer); `points`: named shelters, kits and landmarks; `bounds`: [west, south, east, north]; `tiles` when the node serves a PMTiles file. See docs/map.md.',
        tags: ['map'],
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorReplies(503) },
      },
    },
    // The same bytes for everyone, made once at start.
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(map.json as never),
  );

  // Tiles do not change while the node runs: a phone may keep them a day. The API's own hook marks
  // every reply no-store; this plugin's hook runs after it.
  app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      if (reply.statusCode === 200) reply.header('cache-control', 'private, max-age=86400');
      return payload;
    });
    scope.withTypeProvider<TypeBoxTypeProvider>().get(
      '/api/map/tiles/:z/:x/:y',
      {
        config: { access: { who: 'anyone' } },
        schema: {
          summary: 'One raster tile of the operator’s PMTiles file',
          tags: ['map'],
          params: TileParams,
          response: {
            200: Type.String({ description: 'image/png, image/jpeg or image/webp' }),
            ...errorReplies(400, 404, 503),
          },
        },
      },
      async (request, reply) => {
        const { z, x, y } = request.params;
        if (x >= 2 ** z || y >= 2 ** z)
          throw new ApiError('API_BAD_REQUEST', `no tile ${x}/${y} at zoom ${z}`);
        const tile = await map.tile(z, x, y);
        if (tile === undefined) throw new ApiError('API_NOT_FOUND', `no tile ${z}/${x}/${y} here`);
        return reply
          .type(tile.type)
          .send(
            Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength) as unknown as string,
          );
      },
    );
  });

  if (map.incidents !== undefined) {
    const incidents = map.incidents;
    api.get(
      '/api/map/incidents',
      {
        config: { access: { who: 'permitted', permission: 'report.view' } },
        schema: {
          summary: 'The incidents the reports locate, within your areas, as GeoJSON (RFC 7946)',
          tags: ['map'],
          response: { 200: Type.Object({}, { additionalProperties: true }), ...errorReplies(401, 403, 503) },
        },
      },
      async (request, reply) =>
        reply
          .type('application/geo+json; charset=utf-8')
          .send(JSON.stringify(await incidents(request.scope as PermissionScope)) as never),
    );
  }
}

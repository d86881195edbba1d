/**
 * The photos of hazards (docs/api.md §Hazards; docs/hazards.md §Photos): a phone uploads each photo
 * as its bytes (a JPEG, PNG or WebP body, not JSON), before the hazard is filed, and is given a
 * token the filing names; a person who may see a hazard may see its photos at the kit that holds
 * them. Photos never go on air.
 *
 * An upload is refused (415 HAZARD_PHOTO_INVALID) unless its bytes are an image of those three
 * kinds, whatever Content-Type the phone said; a photo is served under the type its bytes showed,
 * with `nosniff` and a policy that runs nothing, so an upload can never come back as a page. The
 * image parser is registered inside this plugin alone: every other route still takes JSON only.
 * An upload needs an Idempotency-Key as every write does, but is not replayed by it: an upload
 * sent twice waits twice, and the copy no filing names is removed after a day.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { PHOTO_TYPES } from '../domain/hazards/photo-type.js';
import { ApiError } from './api-errors.js';
import { PhotoParams, StagedPhotoReply } from './hazard-schemas.js';
import type { HazardsService } from './hazards-service.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import { errorReplies, WriteHeaders } from './schemas/common-schemas.js';

/** Room for a photo of the store's largest size and the request around it. */
const UPLOAD_LIMIT = 4 * 1024 * 1024 + 1024;

export function hazardPhotoRoutes(app: FastifyInstance, hazards: HazardsService): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(
      [...PHOTO_TYPES, 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
      (_request, body, done) => done(null, body),
    );
    const api = scope.withTypeProvider<TypeBoxTypeProvider>();

    api.post(
      '/api/hazards/photos',
      {
        config: { access: { who: 'permitted', permission: 'hazard.file' } },
        bodyLimit: UPLOAD_LIMIT,
        schema: {
          summary: 'Upload a photo of a hazard about to be reported; its token goes in the filing',
          description:
            'The body is the image itself (image/jpeg, image/png or image/webp), at most 4 MiB. 415 HAZARD_PHOTO_INVALID when its bytes are none of those, 413 HAZARD_PHOTO_TOO_LARGE, 507 HAZARD_PHOTOS_FULL when the kit has no room left for photos. A photo no filing names within a day is removed.',
          tags: ['hazards'],
          headers: WriteHeaders,
          response: { 201: StagedPhotoReply, ...errorReplies(400, 401, 403, 404, 413, 415, 503, 507) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body))
          throw new ApiError(
            'HAZARD_PHOTO_INVALID',
            'send the photo itself as the body (image/jpeg, image/png or image/webp)',
            {
              status: 415,
            },
          );
        const person = request.person as ApiPerson;
        const staged = await hazards.stagePhoto(person.id, body);
        return reply.code(201).send(staged);
      },
    );

    api.get(
      '/api/hazards/:origin/:seq/photos/:n',
      {
        config: { access: { who: 'permitted', permission: 'hazard.view' } },
        schema: {
          summary: 'A photo of a hazard, held at the kit that reported it',
          tags: ['hazards'],
          params: PhotoParams,
          response: {
            200: Type.String({ description: 'image/jpeg, image/png or image/webp' }),
            ...errorReplies(401, 403, 404, 503),
          },
        },
      },
      async (request, reply) => {
        const id = `${request.params.origin}/${request.params.seq}`;
        const hazard = hazards.get(id);
        if (hazard === undefined || !withinScope(request.scope as PermissionScope, hazard.area))
          throw new ApiError('HAZARD_UNKNOWN', `no hazard ${id} that you may see`, { status: 404 });
        const photo = await hazards.photo(id, request.params.n);
        if (photo === undefined)
          throw new ApiError(
            'API_NOT_FOUND',
            hazard.photoNumbers.length === 0 && hazard.photos > 0
              ? `the photos of hazard ${id} are kept at node ${hazard.node}, not here`
              : `hazard ${id} has no photo ${request.params.n} here`,
          );
        return reply
          .type(photo.type)
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header(
            'content-disposition',
            `inline; filename="hazard-${id.replace('/', '-')}-${request.params.n}"`,
          )
          .send(photo.bytes as unknown as string);
      },
    );
  });
}

/**
 * The CAP routes (docs/api.md §Warnings; docs/cap.md): a warning held here as CAP 1.2 XML, and a
 * CAP 1.2 alert from outside (the city or province platform, the weather service) imported and
 * forwarded as a warning marked with its source.
 *
 * The import takes the XML as it came, bytes and not text: the CAP reader decides the encoding and
 * refuses what it must (docs/cap.md §6), and no JSON parser or string conversion stands between.
 * Its media types are taken in this route's own plugin scope, so every other route still answers
 * an XML body with 415. It needs `warning.issue` everywhere: the alert's areas are known only once
 * it is read, and it may name any of the county's.
 */
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import { errorReplies, MessageIdParams, WriteHeaders } from './schemas/common-schemas.js';
import { CapImportReply } from './schemas/warning-schemas.js';
import { readableWarning } from './warning-route-guards.js';
import type { WarningsService } from './warnings-service.js';

/** What the CAP reader takes at most (docs/cap.md §6: CAP_TOO_LARGE beyond). */
export const CAP_BODY_LIMIT = 64 * 1024;
export const CAP_MEDIA_TYPES = ['application/xml', 'application/cap+xml'] as const;

/**
 * A CAP body as the route gets it. Its digest and size are its only enumerable fields, so the
 * idempotency fingerprint (a canonical JSON of the body) hashes 64 bytes, not 64 KiB one key at a
 * time; the bytes themselves are private.
 */
export class CapXmlBody {
  readonly sha256: string;
  readonly size: number;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.sha256 = createHash('sha256').update(bytes).digest('hex');
    this.size = bytes.length;
  }

  get bytes(): Uint8Array {
    return this.#bytes;
  }
}

export function warningCapRoutes(
  app: FastifyInstance,
  ctx: ApiRouteContext,
  warnings: WarningsService,
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/export/warnings/:origin/:seq.cap.xml',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: 'A warning as CAP 1.2 XML, for the city and province platforms and broadcasters',
        description:
          'Whoever may read the warning (GET /api/warnings/{origin}/{seq}) may export it. UTF-8, the CAP 1.2 namespace, Chinese and English `info` blocks; a drill says Exercise (docs/cap.md §2).',
        tags: ['warnings'],
        produces: 'application/cap+xml',
        params: MessageIdParams,
        response: {
          200: Type.String({ description: 'application/cap+xml' }),
          ...errorReplies(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { origin, seq } = request.params;
      const id = `${origin}/${seq}`;
      await readableWarning(ctx, warnings, request, id);
      const xml = await warnings.exportCap(id);
      if (xml === undefined) throw new ApiError('API_NOT_FOUND', `no warning ${id} to export here`);
      return reply
        .type('application/cap+xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="warning-${origin}-${seq}.cap.xml"`)
        .send(xml);
    },
  );

  // The import's own scope: the XML parser is known to this route alone.
  app.register(async (scope) => {
    scope.addContentTypeParser([...CAP_MEDIA_TYPES], { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, new CapXmlBody(body as Buffer)),
    );
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/import/cap',
      {
        config: { access: { who: 'permitted', permission: 'warning.issue' } },
        bodyLimit: CAP_BODY_LIMIT,
        schema: {
          summary: 'Import a CAP 1.2 alert and forward it as a warning marked with its source',
          description:
            'The body is the CAP message itself, as application/xml or application/cap+xml (64 KiB at most). Refused with every reason: 400 CAP_REJECTED with `problems` (each with the CAP code and the element’s path, docs/cap.md §6). Needs warning.issue everywhere. Once per Idempotency-Key.',
          tags: ['warnings'],
          rawBody: { mediaTypes: CAP_MEDIA_TYPES, description: 'A CAP 1.2 alert (XML).' },
          headers: WriteHeaders,
          response: { 201: CapImportReply, ...errorReplies(400, 401, 403, 409, 413, 415, 422, 503, 507) },
        },
      },
      async (request, reply) => {
        if (!(request.scope as PermissionScope).all)
          throw new ApiError(
            'API_FORBIDDEN',
            'importing CAP needs warning.issue everywhere: an alert may name any area',
          );
        if (!(request.body instanceof CapXmlBody))
          throw new ApiError(
            'API_UNSUPPORTED_MEDIA_TYPE',
            `send the CAP message itself as the body, with Content-Type ${CAP_MEDIA_TYPES.join(' or ')}`,
          );
        const bytes = request.body.bytes;
        const person = request.person as ApiPerson;
        return idempotent(request, reply, {
          store: ctx.reportKeys,
          scope: `cap-import:${person.id}`,
          run: async () => {
            const result = await warnings.importCap(bytes, person);
            const { warning } = result;
            await ctx.audit({
              actor: person.id,
              action: 'warning.imported',
              subject: warning.id,
              details: {
                // A CAP sender or identifier has no length limit; the log's details have one.
                sender: (warning.imported?.sender ?? '').slice(0, 200),
                identifier: (warning.imported?.identifier ?? '').slice(0, 200),
                action: warning.action,
                notes: result.notes.length,
              },
            });
            return { status: 201, body: result };
          },
        });
      },
    );
  });
}

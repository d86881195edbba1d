/**
 * Signing in and out (docs/api.md §Sessions, §Signing in): POST /api/session with a roster id and a
 * PIN, GET /api/session for who is signed in and the CSRF token, DELETE /api/session to sign out.
 *
 * The cookie holds the session id, signed with the cookie key: HttpOnly (no script reads it),
 * SameSite=Strict (no other site's page sends it), Path=/api, Secure when the node is reached over
 * HTTPS, and kept by the browser until the session's absolute end. A wrong PIN is answered once its
 * check is done; the next attempt from the same client waits (pin-delay.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { PERMISSIONS } from '../domain/roster/permissions.js';
import { ApiError } from './api-errors.js';
import { SESSION_COOKIE } from './api-guards.js';
import type { ApiRouteContext } from './api-route-context.js';
import { idempotent } from './idempotent-reply.js';
import type { ApiPerson } from './people-directory.js';
import { errorReplies, SignInHeaders, WriteHeaders } from './schemas/common-schemas.js';
import { NoSessionReply, SessionReply, SignedOutReply, SignInBody } from './schemas/session-schemas.js';
import { csrfToken, type Session } from './sessions.js';

export function sessionRoutes(app: FastifyInstance, ctx: ApiRouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/session',
    {
      config: { access: { who: 'anyone' }, noCsrf: true },
      bodyLimit: 1024,
      schema: {
        summary: 'Sign in with a roster id and PIN',
        description:
          'Sets the session cookie. A wrong PIN answers 401 API_PIN_WRONG with `retryAfterMs`: the next attempt from this device waits that long (no lockout).',
        tags: ['session'],
        headers: SignInHeaders,
        body: SignInBody,
        response: { 200: SessionReply, ...errorReplies(400, 401, 403, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) =>
      idempotent(request, reply, {
        store: ctx.memoryKeys,
        scope: 'sign-in',
        run: async () => {
          const { person: id, pin } = request.body;
          const attempt = await ctx.pinDelay.attempt(request.ip, () => ctx.deps.people.verifyPin(id, pin));
          const person = attempt.ok ? ctx.deps.people.find(id) : undefined;
          if (person === undefined) {
            ctx.log.debug({ client: request.ip, person: id }, 'sign-in refused: wrong PIN');
            throw new ApiError(
              'API_PIN_WRONG',
              'that roster number and PIN do not match: check both and try again',
              {
                retryAfterMs: attempt.retryAfterMs,
              },
            );
          }
          if (request.apiSession !== null) ctx.sessions.delete(request.apiSession.id);
          const session = ctx.sessions.create(person.id);
          ctx.log.info({ person: person.id, client: request.ip }, 'signed in');
          await ctx.audit({ actor: person.id, action: 'session.signed-in', details: { client: request.ip } });
          return {
            status: 200,
            body: sessionBody(ctx, person, session),
            headers: { 'set-cookie': sessionCookie(app, reply, ctx, session.id) },
          };
        },
      }),
  );

  api.get(
    '/api/session',
    {
      config: { access: { who: 'anyone' } },
      schema: {
        summary: 'Who is signed in, and the CSRF token for writes',
        tags: ['session'],
        response: { 200: Type.Union([SessionReply, NoSessionReply]), ...errorReplies(503) },
      },
    },
    async (request) => {
      if (request.person === null || request.apiSession === null) return { signedIn: false as const };
      return sessionBody(ctx, request.person, request.apiSession);
    },
  );

  api.delete(
    '/api/session',
    {
      config: { access: { who: 'signed-in' } },
      schema: {
        summary: 'Sign out',
        tags: ['session'],
        headers: WriteHeaders,
        response: { 200: SignedOutReply, ...errorReplies(400, 401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const session = request.apiSession as Session;
      const person = request.person as ApiPerson;
      return idempotent(request, reply, {
        store: ctx.memoryKeys,
        scope: `sign-out:${person.id}`,
        run: async () => {
          ctx.sessions.delete(session.id);
          ctx.hub.sessionEnded(session.id, 'signed-out');
          ctx.log.info({ person: person.id }, 'signed out');
          await ctx.audit({ actor: person.id, action: 'session.signed-out' });
          return {
            status: 200,
            body: { signedIn: false },
            headers: {
              'set-cookie': app.serializeCookie(SESSION_COOKIE, '', { ...cookieOptions(ctx), maxAge: 0 }),
            },
          };
        },
      });
    },
  );
}

function sessionBody(ctx: ApiRouteContext, person: ApiPerson, session: Session) {
  return {
    signedIn: true as const,
    person: { id: person.id, name: person.name, roles: [...person.roles], areas: [...person.areas] },
    csrfToken: csrfToken(ctx.cookieKey, session.id),
    expiresInMs: Math.max(0, Math.round(ctx.sessions.endsAt(session) - ctx.monotonic())),
    permissions: PERMISSIONS.map((permission) => {
      const scope = ctx.deps.people.scope(person, permission);
      return { permission, all: scope.all, areas: scope.all ? [] : [...scope.areas] };
    }).filter((p) => p.all || p.areas.length > 0),
  };
}

function cookieOptions(ctx: ApiRouteContext) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/api',
    secure: ctx.cookieSecure,
  };
}

/** The Set-Cookie header of a new session, built here so that a replayed sign-in repeats it. */
function sessionCookie(app: FastifyInstance, reply: FastifyReply, ctx: ApiRouteContext, id: string): string {
  return app.serializeCookie(SESSION_COOKIE, reply.signCookie(id), {
    ...cookieOptions(ctx),
    maxAge: Math.floor(ctx.deps.config.session.absoluteMs / 1000),
  });
}

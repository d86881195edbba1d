/**
 * What every request passes before its handler runs (docs/api.md §Roles, §CSRF, §Idempotency,
 * §Readiness), in this order:
 *
 * 1. its Host is one of this node's (origin-check.ts);
 * 2. the node is ready, unless the route answers while starting (health, the documentation);
 * 3. its session cookie, if any, is checked: signed with the cookie key, in effect, of a person
 *    still on the roster;
 * 4. the route's access: anyone, anyone signed in, or a permission of the roster's table
 *    (node/src/domain/roster/permissions.ts) held somewhere (where exactly is the handler's check,
 *    once it knows the area);
 * 5. a write (POST, PUT, PATCH, DELETE) comes from a page of ours (Origin), carries the session's
 *    CSRF token unless it is the sign-in itself, and carries an idempotency key unless it writes
 *    nothing (a preview: doing it twice is doing nothing twice).
 *
 * Each route declares its access in its `config`; a route that declares none is refused to
 * everyone, so forgetting to declare it fails closed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-errors.js';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency.js';
import type { OriginCheck } from './origin-check.js';
import {
  type ApiPerson,
  allowsAny,
  type PeopleDirectory,
  type Permission,
  type PermissionScope,
} from './people-directory.js';
import { csrfTokenMatches, type Session, type SessionStore } from './sessions.js';

/** Who may call a route. */
export type Access = { who: 'anyone' } | { who: 'signed-in' } | { who: 'permitted'; permission: Permission };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Required: a route without it refuses everyone. */
    access?: Access;
    /** Answers before the node is ready (health, the API's documentation). */
    beforeReady?: boolean;
    /** A write that needs no CSRF token (only the sign-in, which the Origin check guards). */
    noCsrf?: boolean;
    /**
     * A POST that writes nothing (a preview): it needs no idempotency key. Origin and CSRF token are
     * checked as for any write, since a page of another site must not drive it either.
     */
    writesNothing?: boolean;
  }
  interface FastifyRequest {
    /** The session the cookie names, when it is in effect. */
    apiSession: Session | null;
    /** Its person, as the roster has them now. */
    person: ApiPerson | null;
    /** For a `permitted` route: where the person holds the permission. */
    scope: PermissionScope | null;
    /** Why a cookie did not give a session, for the 401's message. */
    sessionProblem: 'expired' | null;
  }
}

export const SESSION_COOKIE = 'fieldnode_session';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface GuardContext {
  cookieKey: Buffer;
  sessions: SessionStore;
  people: PeopleDirectory;
  ready: () => boolean;
  /** Set once the server listens (the port is known then). */
  origins: () => OriginCheck;
}

export function installGuards(app: FastifyInstance, ctx: GuardContext): void {
  app.decorateRequest('apiSession', null);
  app.decorateRequest('person', null);
  app.decorateRequest('scope', null);
  app.decorateRequest('sessionProblem', null);
  app.addHook('onRequest', async (request, reply) => guard(request, reply, ctx));
}

async function guard(request: FastifyRequest, reply: FastifyReply, ctx: GuardContext): Promise<void> {
  const config = request.routeOptions.config;
  if (!ctx.origins().hostAllowed(request.headers.host))
    throw new ApiError(
      'API_ORIGIN_REFUSED',
      `this node does not answer to the name ${JSON.stringify(String(request.headers.host ?? '')).slice(0, 80)}: use its address (http.public_origins)`,
    );
  // A path no route has: the not-found handler answers, whoever asks.
  if (request.is404) return;
  if (!ctx.ready() && config.beforeReady !== true)
    throw new ApiError('API_STARTING', 'the node is still starting: try again in a few seconds', {
      retryAfterMs: 2000,
    });

  readSession(request, reply, ctx);

  const access = config.access;
  if (access === undefined) throw new ApiError('API_FORBIDDEN', 'this route declares no access: refused');
  if (access.who !== 'anyone') {
    if (request.person === null)
      throw new ApiError(
        'API_NOT_SIGNED_IN',
        request.sessionProblem === 'expired'
          ? 'your session ended: sign in again with your PIN'
          : 'sign in with your roster number and PIN first',
      );
    if (access.who === 'permitted') {
      const scope = ctx.people.scope(request.person, access.permission);
      if (!allowsAny(scope))
        throw new ApiError('API_FORBIDDEN', `your roles do not allow ${access.permission}`);
      request.scope = scope;
    }
  }

  if (!WRITES.has(request.method)) return;
  const header = (name: string) => {
    const v = request.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const refusal = ctx.origins().writeRefusal(header('origin'), header('sec-fetch-site'));
  if (refusal !== undefined) throw new ApiError('API_ORIGIN_REFUSED', refusal);
  if (config.noCsrf !== true) {
    const token = header('x-csrf-token');
    if (token === undefined || token === '')
      throw new ApiError(
        'API_CSRF_MISSING',
        'a write needs the X-CSRF-Token header: GET /api/session gives it',
      );
    if (request.apiSession === null || !csrfTokenMatches(ctx.cookieKey, request.apiSession.id, token))
      throw new ApiError(
        'API_CSRF_WRONG',
        "the X-CSRF-Token is not this session's: GET /api/session for the current one",
      );
  }
  if (config.writesNothing === true) return;
  const key = header('idempotency-key');
  if (key === undefined || !IDEMPOTENCY_KEY_PATTERN.test(key))
    throw new ApiError(
      'API_IDEMPOTENCY_KEY_MISSING',
      'a write needs an Idempotency-Key header: 8–128 letters, digits or _-.: (a fresh UUID per action, the same one when the action is sent again)',
    );
}

/**
 * Finds the session the cookie names, and its person. A cookie that names no live session is
 * cleared, except on the sign-in itself: its reply sets the new session's cookie, and a clearing
 * header beside it would, applied after it, sign the person straight out again (the first sign-in
 * after a kit restart, whose sessions live in memory).
 */
function readSession(request: FastifyRequest, reply: FastifyReply, ctx: GuardContext): void {
  const raw = request.cookies[SESSION_COOKIE];
  if (raw === undefined) return;
  const signingIn = request.method === 'POST' && request.routeOptions.url === '/api/session';
  const clear = () => {
    if (!signingIn) reply.clearCookie(SESSION_COOKIE, { path: '/api' });
  };
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) {
    clear();
    return;
  }
  const session = ctx.sessions.use(unsigned.value);
  if (session === 'unknown' || session === 'expired') {
    request.sessionProblem = 'expired';
    clear();
    return;
  }
  const person = ctx.people.find(session.personId);
  if (person === undefined) {
    // Removed from the roster since: the session ends with them.
    ctx.sessions.delete(session.id);
    request.sessionProblem = 'expired';
    clear();
    return;
  }
  request.apiSession = session;
  request.person = person;
}

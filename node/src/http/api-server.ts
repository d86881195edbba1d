/**
 * The HTTP API server of a node (docs/api.md): Fastify with our schema compiler, guards, error
 * replies and routes, built from injected deps (api-deps.ts) by the composition root, which starts
 * it before the node recovers (health answers `starting`), marks it ready when systemd hears
 * READY=1, and stops it before the node.
 *
 * Limits, so that no client can take more than its share of a Pi: bodies of 16 KiB at most (1 KiB
 * for a sign-in), requests that must arrive whole within 30 s, 64 event streams, bounded
 * sessions, PIN-delay records and idempotency records. Every reply says `no-store`, `nosniff` and
 * may not be framed.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiServerDeps } from './api-deps.js';
import './api-audit-actions.js';
import { installGuards } from './api-guards.js';
import type { ApiRouteContext } from './api-route-context.js';
import { boardRoutes } from './board-routes.js';
import { installCaptivePortal } from './captive-portal-redirects.js';
import { loadCookieKey } from './cookie-key.js';
import { docRoutes } from './doc-routes.js';
import { installErrorReplies } from './error-replies.js';
import { EventHub } from './event-hub.js';
import { eventRoutes } from './event-routes.js';
import { hazardRoutes } from './hazard-routes.js';
import { Idempotency } from './idempotency.js';
import { IDEMPOTENCY_FILE, IdempotencyJournal } from './idempotency-journal.js';
import { kitRoutes } from './kit-routes.js';
import { mapRoutes } from './map-routes.js';
import { nodeRoutes } from './node-routes.js';
import { RouteCatalogue } from './openapi.js';
import { OriginCheck } from './origin-check.js';
import { PinDelay } from './pin-delay.js';
import { reportRoutes } from './report-routes.js';
import { requestRoutes } from './request-routes.js';
import { apiSchemaCompiler } from './schema-compiler.js';
import { sessionRoutes } from './session-routes.js';
import { SessionStore } from './sessions.js';
import { shelterRoutes } from './shelter-routes.js';
import { teamRoutes } from './team-routes.js';
import { textRoutes } from './text-routes.js';
import { readTlsFiles, type TlsFiles } from './tls-files.js';
import { uiAssets } from './ui-assets.js';
import { warningRoutes } from './warning-routes.js';

export interface ApiServer {
  /** Reads or makes the cookie key, opens the idempotency journal, and listens. */
  start(): Promise<void>;
  /** The node has recovered and started: health answers ok, and every route opens. */
  markReady(): void;
  /** Closes the event streams and the listener, and waits for requests under way. */
  stop(): Promise<void>;
  /** Where it listens, once started. */
  readonly address: { host: string; port: number } | undefined;
}

const BODY_LIMIT = 16 * 1024;

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const log = deps.log.child({ mod: 'api' });
  let ready = false;
  let app: FastifyInstance | undefined;
  let origins: OriginCheck | undefined;
  let hub: EventHub | undefined;
  let keys: Idempotency[] = [];
  let address: { host: string; port: number } | undefined;

  return {
    get address() {
      return address;
    },
    markReady() {
      if (!ready) log.info({ address }, 'API ready');
      ready = true;
    },
    async start() {
      const cookieKey = await loadCookieKey(deps.dataDir);
      const now = deps.now ?? Date.now;
      const monotonic = deps.monotonic ?? (() => performance.now());
      const memoryKeys = new Idempotency({ key: cookieKey, now });
      const reportKeys = new Idempotency({
        key: cookieKey,
        now,
        journal: new IdempotencyJournal(
          join(deps.dataDir, IDEMPOTENCY_FILE),
          log,
          deps.openFile ? { open: deps.openFile } : {},
        ),
      });
      await reportKeys.open();
      keys = [memoryKeys, reportKeys];
      hub = new EventHub({
        ...(deps.events ? { feed: deps.events } : {}),
        areaNames: () => deps.people.areaNames(),
        status: deps.status,
        ...(deps.power ? { power: deps.power } : {}),
        ready: () => ready,
        version: deps.version,
        log,
        now,
      });
      const ctx: ApiRouteContext = {
        deps,
        log,
        sessions: new SessionStore({ ...deps.config.session, now: monotonic }),
        cookieKey,
        cookieSecure: deps.config.publicOrigins.some((o) => o.startsWith('https:')),
        pinDelay: new PinDelay({ now: monotonic, ...deps.pinDelay }),
        memoryKeys,
        reportKeys,
        hub,
        ready: () => ready,
        monotonic,
        audit: async (draft) => {
          try {
            await deps.audit.append(draft);
          } catch (err) {
            log.error(
              { err, action: draft.action },
              'the audit log refused an entry: the action was done but is not recorded',
            );
          }
        },
      };
      const tls = deps.config.tls === undefined ? undefined : await readTlsFiles(deps.config.tls);
      app = await buildApp(deps, ctx, cookieKey, tls, () => {
        if (origins === undefined) throw new TypeError('a request before the API listens');
        return origins;
      });
      await app.listen({ host: deps.config.listen.host, port: deps.config.listen.port });
      const bound = app.server.address() as AddressInfo;
      address = { host: bound.address, port: bound.port };
      origins = new OriginCheck(deps.config, bound.port);
      hub.start();
      log.info({ address, origins: [...origins.origins] }, 'API listening');
    },
    async stop() {
      hub?.stop();
      await app?.close();
      for (const k of keys) await k.close();
      app = undefined;
    },
  };
}

async function buildApp(
  deps: ApiServerDeps,
  ctx: ApiRouteContext,
  cookieKey: Buffer,
  tls: TlsFiles | undefined,
  origins: () => OriginCheck,
): Promise<FastifyInstance> {
  // With `https`, Fastify's types say an https.Server; every route here is written against the
  // request and reply, which are the same either way.
  const app = Fastify({
    ...(tls === undefined ? {} : { https: tls }),
    logger: false,
    bodyLimit: BODY_LIMIT,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    routerOptions: { maxParamLength: 64 },
    exposeHeadRoutes: false,
    return503OnClosing: true,
    forceCloseConnections: true,
    trustProxy: deps.config.trustedProxies.length > 0 ? [...deps.config.trustedProxies] : false,
    // Bytes that are not HTTP at all never reach a route: they get the API's error shape too.
    clientErrorHandler: (err, socket) => {
      if (!socket.writable) return socket.destroy();
      const body = JSON.stringify({
        code: 'API_BAD_REQUEST',
        message: `not a well-formed HTTP request (${(err as NodeJS.ErrnoException).code ?? 'parse error'})`,
      });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  }) as unknown as FastifyInstance;
  const catalogue = new RouteCatalogue();
  app.addHook('onRoute', (route) => catalogue.add(route));
  app.setValidatorCompiler(apiSchemaCompiler());
  // Only JSON bodies: a form post or plain text is 415, not a string the schema then refuses.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyCookie, { secret: cookieKey, hook: 'onRequest' });
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 } });
  installErrorReplies(app, ctx.log);
  // Before the guards, which would refuse the phones' probes for their foreign Host.
  if (deps.config.captivePortal === true)
    installCaptivePortal(app, {
      uiUrl: () => `${[...origins().origins][0]}/`,
      hostAllowed: (host) => origins().hostAllowed(host),
    });
  installGuards(app, {
    cookieKey,
    sessions: ctx.sessions,
    people: deps.people,
    ready: ctx.ready,
    origins,
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    return payload;
  });
  nodeRoutes(app, ctx);
  sessionRoutes(app, ctx);
  reportRoutes(app, ctx);
  boardRoutes(app, ctx);
  warningRoutes(app, ctx);
  kitRoutes(app, ctx);
  hazardRoutes(app, ctx);
  teamRoutes(app, ctx);
  textRoutes(app, ctx);
  shelterRoutes(app, ctx);
  requestRoutes(app, ctx);
  mapRoutes(app, ctx);
  eventRoutes(app, ctx, () => origins().origins);
  docRoutes(app, catalogue, deps.version);
  if (deps.ui) await app.register(uiAssets, deps.ui);
  await app.ready();
  return app;
}

/**
 * The OpenAPI 3.1 description of the API, made from the routes as registered (docs/api.md
 * §Documentation): each route's JSON Schemas (TypeBox) become its parameters, request body and
 * responses, and its declared access its security. Nothing is written twice, so the description
 * cannot drift from what the server checks.
 *
 * A small generator of our own rather than @fastify/swagger: the routes' schemas are plain JSON
 * Schema already, so this is a walk over them, and it adds no dependency to a kit's image.
 */
import type { FastifySchema, RouteOptions } from 'fastify';
import type { Access } from './api-guards.js';

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the documentation. */
    summary?: string;
    /** More, when one line is not enough. */
    description?: string;
    /** The group the documentation lists the route under. */
    tags?: readonly string[];
    /** The media type of the 2xx reply when it is not JSON (`text/csv`, `application/cap+xml`). */
    produces?: string;
    /**
     * A body taken as bytes, not JSON (the CAP import): its media types and what it is. It has no
     * JSON Schema to check, so the description says what the route reads.
     */
    rawBody?: { mediaTypes: readonly string[]; description: string };
  }
}

type Json = Record<string, unknown>;

export interface OpenApiInfo {
  version: string;
}

/** Collects the routes as they are registered: call before registering them. */
export class RouteCatalogue {
  readonly routes: RouteOptions[] = [];

  add(route: RouteOptions): void {
    if (route.method === 'HEAD' || (Array.isArray(route.method) && route.method.includes('HEAD'))) return;
    this.routes.push(route);
  }

  openApi(info: OpenApiInfo): Json {
    const paths: Record<string, Record<string, Json>> = {};
    for (const route of this.routes) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const method of methods) {
        paths[path] ??= {};
        (paths[path] as Record<string, Json>)[method.toLowerCase()] = operation(route, method);
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'fieldnode API',
        version: info.version,
        description:
          'The HTTP API of a fieldnode kit or centre: sign in, file disaster reports, follow their delivery, issue and answer warnings (叫应), read the node’s status. Errors are `{ code, message }`; every write needs an Idempotency-Key, and a signed-in write the X-CSRF-Token of its session (docs/api.md).',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'fieldnode_session',
            description: 'Set by POST /api/session.',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: 'X-CSRF-Token',
            description: 'From GET /api/session; on every write.',
          },
        },
      },
      paths,
    };
  }
}

function operation(route: RouteOptions, method: string): Json {
  const schema = (route.schema ?? {}) as Json;
  const access = (route.config as { access?: Access } | undefined)?.access;
  const write = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
  const parameters = [
    ...params(schema.params, 'path'),
    ...params(schema.querystring, 'query'),
    ...params(schema.headers, 'header'),
  ];
  const op: Json = {
    operationId: `${method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(schema.summary ? { summary: schema.summary } : {}),
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.tags ? { tags: schema.tags } : {}),
    'x-access': accessText(access),
    security:
      access === undefined || access.who === 'anyone'
        ? []
        : [write ? { session: [], csrf: [] } : { session: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: responses(schema.response, route.url, schema.produces as string | undefined),
  };
  if (schema.body !== undefined)
    op.requestBody = { required: true, content: { 'application/json': { schema: plain(schema.body) } } };
  const raw = schema.rawBody as FastifySchema['rawBody'];
  if (raw !== undefined)
    op.requestBody = {
      required: true,
      description: raw.description,
      content: Object.fromEntries(
        raw.mediaTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]),
      ),
    };
  return op;
}

function params(schema: unknown, where: 'path' | 'query' | 'header'): Json[] {
  const s = schema as { properties?: Record<string, Json>; required?: string[] } | undefined;
  if (s?.properties === undefined) return [];
  return Object.entries(s.properties).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
    schema: plain(prop),
  }));
}

function responses(schema: unknown, url: string, produces: string | undefined): Json {
  const out: Json = {};
  for (const [status, body] of Object.entries((schema ?? {}) as Record<string, Json>)) {
    const description =
      typeof body.description === 'string' ? body.description : status.startsWith('2') ? 'OK' : 'Error';
    if (status === '101') {
      out[status] = { description: 'Switching protocols: the WebSocket is open' };
      continue;
    }
    const type = !status.startsWith('2')
      ? 'application/json'
      : (produces ?? (url.endsWith('.csv') ? 'text/csv' : 'application/json'));
    out[status] = { description, content: { [type]: { schema: plain(body) } } };
  }
  return out;
}

function accessText(access: Access | undefined): string {
  if (access === undefined) return 'nobody';
  if (access.who === 'permitted') return `permission ${access.permission}`;
  return access.who;
}

/** A schema as plain JSON: what TypeBox keeps out of sight is left out. */
function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

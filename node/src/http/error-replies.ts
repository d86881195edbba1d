/**
 * How every error becomes a JSON reply (docs/api.md §Errors): `{ code, message }`, with `problems`
 * for checked input and `retryAfterMs` when waiting helps; 4xx for anything about the request, 5xx
 * only for faults of the node, which are logged (with the error and its cause) and answered with a
 * message that says so and leaks nothing.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isKitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { ApiError, type ApiErrorBody, statusOf } from './api-errors.js';
import { problemsOf } from './schema-compiler.js';

export function installErrorReplies(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorReply(err);
    if (status >= 500)
      log.error(
        { err, method: request.method, url: request.routeOptions.url ?? request.url },
        'request failed',
      );
    else log.debug({ code: body.code, method: request.method, url: request.url }, 'request refused');
    if (body.retryAfterMs !== undefined) reply.header('retry-after', Math.ceil(body.retryAfterMs / 1000));
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send({
        code: 'API_NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}: see /api/docs`,
      }),
  );
}

/** The status and body for an error thrown anywhere in a request. */
export function errorReply(err: unknown): { status: number; body: ApiErrorBody } {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: {
        code: err.code,
        message: err.message,
        ...(err.problems ? { problems: err.problems } : {}),
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      },
    };
  }
  if (isKitError(err)) {
    const status = statusOf(err.code);
    // A KitError's message is written for people; a 500 keeps its code for the operator.
    return { status, body: { code: err.code, message: err.message } };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (fe.validation !== undefined) {
    const problems = problemsOf(fe.validation as never, fe.validationContext ?? 'body');
    return {
      status: 400,
      body: {
        code: 'API_BAD_REQUEST',
        message: `the request does not fit: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      },
    };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413)
    return {
      status,
      body: { code: 'API_BODY_TOO_LARGE', message: 'the body is larger than this route takes' },
    };
  if (status === 415)
    return {
      status,
      body: {
        code: 'API_UNSUPPORTED_MEDIA_TYPE',
        message: 'send the body as JSON (Content-Type: application/json)',
      },
    };
  if (status >= 400 && status < 500)
    return {
      status: 400,
      body: { code: 'API_BAD_REQUEST', message: `the request cannot be read: ${fe.message ?? 'malformed'}` },
    };
  return {
    status: 500,
    body: { code: 'API_INTERNAL', message: 'the node failed to answer this: its log says why' },
  };
}

/**
 * Schemas every route shares (docs/api.md §Errors, §Idempotency, §CSRF): the error reply, the
 * headers a write carries, message ids in paths, paging. TypeBox builds plain JSON Schema: Ajv
 * checks requests with it (schema-compiler.ts), fast-json-stringify writes replies with it, and
 * openapi.ts publishes it.
 *
 * Every object schema is closed (`additionalProperties: false`): an unknown field in a request is
 * a 400 naming it, and a field a reply schema does not name never leaves the node.
 */
import { type TSchema, Type } from 'typebox';

/** One of these strings, as a union of literals typed as such. */
export const OneOf = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      description === undefined ? {} : { description },
    ),
  );

/** A closed object: no field but those named. */
export const Closed = <P extends Parameters<typeof Type.Object>[0]>(properties: P, description?: string) =>
  Type.Object(properties, {
    additionalProperties: false,
    ...(description === undefined ? {} : { description }),
  });

export const Problem = Closed(
  {
    field: Type.String({ description: 'Where, as a path: `indicators.dead`, `query.page`.' }),
    code: Type.Optional(Type.String({ description: 'A stable code when the domain has one.' })),
    message: Type.String({ description: 'What is wrong, in English.' }),
    zh: Type.Optional(Type.String({ description: 'What is wrong, in Chinese, for the form.' })),
  },
  'One thing wrong with the input.',
);

export const ErrorReply = Closed(
  {
    code: Type.String({
      description: 'Stable: API_BAD_REQUEST, API_NOT_SIGNED_IN, REPORT_REJECTED… (docs/api.md §Errors).',
    }),
    message: Type.String({ description: 'For people; may change.' }),
    problems: Type.Optional(Type.Array(Problem)),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Try again after this long.' })),
  },
  'Every error the API answers.',
);

const ERROR_MEANING: Record<number, string> = {
  400: 'Bad input (API_BAD_REQUEST, API_IDEMPOTENCY_KEY_MISSING, REPORT_REJECTED…)',
  401: 'Not signed in, or the session ended (API_NOT_SIGNED_IN); wrong PIN (API_PIN_WRONG)',
  403: 'Not allowed (API_FORBIDDEN), CSRF token missing or wrong, Origin or Host refused',
  404: 'Not found',
  409: 'The first request with this idempotency key is still running, or the incident is closed',
  413: 'Body too large',
  415: 'Body not application/json',
  422: 'Idempotency key reused with another request',
  429: 'A sign-in from this device is already waiting',
  503: 'The node is still starting (API_STARTING)',
  507: 'The store is full (STORE_FULL)',
};

/** Error replies for these statuses, for a route's `response`. */
export function errorReplies(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((s) => [s, { ...ErrorReply, description: ERROR_MEANING[s] ?? 'Error' }]),
  );
}

/** The headers of every write (docs/api.md §CSRF, §Idempotency). */
export const WriteHeaders = Type.Object(
  {
    'idempotency-key': Type.String({
      pattern: '^[A-Za-z0-9_\\-.:]{8,128}$',
      description: 'A fresh random key per action (a UUID); the same key again returns the first answer.',
    }),
    'x-csrf-token': Type.String({ maxLength: 200, description: 'The token GET /api/session gives.' }),
  },
  { additionalProperties: true },
);

/** The headers of a write that writes nothing (a preview): the CSRF token, and no key. */
export const DryRunHeaders = Type.Object(
  { 'x-csrf-token': WriteHeaders.properties['x-csrf-token'] },
  { additionalProperties: true },
);

/** The headers of a sign-in: a key, and no CSRF token (there is no session yet). */
export const SignInHeaders = Type.Object(
  { 'idempotency-key': WriteHeaders.properties['idempotency-key'] },
  { additionalProperties: true },
);

/** A message id in a path: `/…/{origin}/{seq}`. */
export const MessageIdParams = Closed({
  origin: Type.Integer({ minimum: 1, maximum: 0xffff_ffff, description: 'The node that made it.' }),
  seq: Type.Integer({ minimum: 0, maximum: 0xffff_ffff, description: 'Its sequence number there.' }),
});

export const PageQuery = Closed({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const PageInfo = Closed({
  page: Type.Integer(),
  perPage: Type.Integer(),
  total: Type.Integer({ description: 'Items in all pages.' }),
});

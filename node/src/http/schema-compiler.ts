/**
 * How the API checks input against each route's JSON Schema (docs/api.md §Input): Ajv, with
 * every problem reported (docs/conventions.md §Errors: validation returns all problems) and
 * unknown fields refused, not removed.
 *
 * Fastify's default Ajv removes properties a schema does not name (`removeAdditional: true`) and
 * coerces types everywhere (`"5"` becomes 5 in a body). Here a body is taken exactly as sent: an
 * unknown field, or a figure sent as a string, is a 400 that names it. Only the query string, the
 * path parameters and the headers, which are text by nature, are coerced to the schema's types.
 * `allErrors` lets Ajv look at the whole input; the body limits bound what that costs.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { ApiProblem } from './api-errors.js';

// ajv is CommonJS: under node16 resolution its class is the default export's default.
const Ajv = AjvModule.default;

const common = {
  allErrors: true,
  removeAdditional: false,
  useDefaults: false,
  // TypeBox adds no keywords Ajv does not know; a schema that did is a programming error.
  strict: true,
  // `format` is not used: patterns say exactly what is accepted.
  validateFormats: false,
} as const;

/** Makes the validator compiler of one server: its own Ajv instances, never shared. */
export function apiSchemaCompiler(): FastifySchemaCompiler<unknown> {
  const strict = new Ajv({ ...common, coerceTypes: false });
  const coercing = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    // Ajv's own function: Fastify reads `errors` from it and hands them to the error handler.
    return ajv.compile(schema as object) as ValidateFunction;
  };
}

/** Ajv's errors as problems a person can read, field by field. */
export function problemsOf(errors: readonly ErrorObject[] | null | undefined, part: string): ApiProblem[] {
  return (errors ?? []).map((e) => {
    const path = fieldPath(e, part);
    return { field: path, message: describe(e) };
  });
}

function fieldPath(e: ErrorObject, part: string): string {
  const base = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
  const extra =
    e.keyword === 'additionalProperties'
      ? (e.params as { additionalProperty: string }).additionalProperty
      : e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : undefined;
  const path = [base, extra].filter((s) => s !== undefined && s !== '').join('.');
  return path === '' ? part : `${part === 'body' ? '' : `${part}.`}${path}`;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return 'unknown field: remove it';
    case 'required':
      return 'required';
    case 'enum':
      return `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return e.message ?? e.keyword;
  }
}

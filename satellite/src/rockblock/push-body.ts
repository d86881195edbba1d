/**
 * The body of a RockBLOCK push request (docs/iridium.md §2.1): a form
 * (`application/x-www-form-urlencoded`, the HTTP_POST delivery methods) or a JSON object
 * (`application/json; charset=utf-8`, HTTP_JSON). Untrusted bytes: this only finds the fields and
 * the token among them; nothing here is believed until the token verifies.
 */
import { KitError } from '../../../node/src/base/errors.js';

/** The fields of a push body, by name, as the body spelled them (strings, numbers, …). */
export type PushBody = Readonly<Record<string, unknown>>;

export type PushBodyProblem = 'unsupported-type' | 'malformed';

function refuse(problem: PushBodyProblem, detail: string): never {
  throw new KitError('JWT_INVALID', `push body refused (${problem}): ${detail}`);
}

/** The problem word of an error thrown by {@link parsePushBody}. */
export function pushBodyProblem(err: unknown): PushBodyProblem | undefined {
  if (!(err instanceof KitError)) return undefined;
  const m = /^push body refused \(([\w-]+)\)/.exec(err.message);
  return m?.[1] as PushBodyProblem | undefined;
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** The charset parameter, if any, lower case. */
function charset(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1]?.toLowerCase();
}

/**
 * Parses a push body by its Content-Type.
 *
 * Form bodies: every field once; a field given twice is refused (which value would count?). JSON:
 * an object. Both must be UTF-8 (or ASCII, which is UTF-8).
 *
 * @throws KitError JWT_INVALID "push body refused (unsupported-type)" for any other media type or
 *   charset, "(malformed)" for bytes that do not parse.
 */
export function parsePushBody(contentType: string | undefined, bytes: Uint8Array): PushBody {
  const type = mediaType(contentType);
  const cs = charset(contentType);
  if (cs !== undefined && cs !== 'utf-8' && cs !== 'utf8' && cs !== 'us-ascii') {
    refuse('unsupported-type', `charset ${cs}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new KitError('JWT_INVALID', 'push body refused (malformed): not UTF-8', { cause: err });
  }
  if (type === 'application/json') return parseJsonBody(text);
  if (type === 'application/x-www-form-urlencoded') return parseFormBody(text);
  return refuse('unsupported-type', `content type ${JSON.stringify(type)}`);
}

function parseJsonBody(text: string): PushBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new KitError('JWT_INVALID', 'push body refused (malformed): not JSON', { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuse('malformed', 'JSON body is not an object');
  }
  return value as PushBody;
}

function parseFormBody(text: string): PushBody {
  // URLSearchParams never throws: malformed %-escapes are kept as text, which the token check
  // then refuses if they mattered.
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, name)) refuse('malformed', `field ${JSON.stringify(name.slice(0, 40))} twice`);
    fields[name] = value;
  }
  return fields;
}

/** The token field: `JWT` as Rock7 spells it, or any other capitalisation of it. */
export function tokenOf(body: PushBody): unknown {
  if (Object.hasOwn(body, 'JWT')) return body.JWT;
  for (const [name, value] of Object.entries(body)) if (name.toLowerCase() === 'jwt') return value;
  return undefined;
}

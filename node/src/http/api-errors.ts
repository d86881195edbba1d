/**
 * Error codes of the HTTP API (docs/api.md §Errors), registered with the shared KitError base
 * (node/src/base/errors.ts), and the HTTP status each code answers with.
 *
 * Every error the API sends is `{ code, message }` in JSON, with `problems` when input was checked
 * and `retryAfterMs` when waiting helps. Codes are API: the UI matches on them. Input never earns a
 * 5xx: bad input is 400 (413 too large, 415 not JSON), and only a fault of the node itself (a bug,
 * a full disk, a store that cannot be read) is 5xx.
 */
import { KitError, type KitErrorCode } from '../base/errors.js';

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The request's input does not match the route's schema, or is not valid JSON. */
    API_BAD_REQUEST: true;
    /** The body is larger than the route takes. */
    API_BODY_TOO_LARGE: true;
    /** A write whose body is not `application/json`. */
    API_UNSUPPORTED_MEDIA_TYPE: true;
    /** No route has this method and path. */
    API_NOT_FOUND: true;
    /** The route needs a signed-in person and the request has no valid session. */
    API_NOT_SIGNED_IN: true;
    /** The person and PIN do not match (or no such person); `retryAfterMs` says when to try again. */
    API_PIN_WRONG: true;
    /** A sign-in from this client is already waiting its turn. */
    API_SIGN_IN_BUSY: true;
    /** The signed-in person's roles do not allow this here. */
    API_FORBIDDEN: true;
    /** A write without the session's CSRF token in `X-CSRF-Token`. */
    API_CSRF_MISSING: true;
    /** A write whose CSRF token is not this session's. */
    API_CSRF_WRONG: true;
    /** A write whose Origin (or a request whose Host) is not one this node serves. */
    API_ORIGIN_REFUSED: true;
    /** A write without an `Idempotency-Key` header, or with a malformed one. */
    API_IDEMPOTENCY_KEY_MISSING: true;
    /** The idempotency key was used before with a different request. */
    API_IDEMPOTENCY_KEY_REUSED: true;
    /** The first request with this idempotency key is still being handled. */
    API_IDEMPOTENCY_IN_PROGRESS: true;
    /** The node is still recovering its store: try again in a few seconds. */
    API_STARTING: true;
    /** Too many event streams are open. */
    API_TOO_MANY_STREAMS: true;
    /** A fault of the node, not of the request: the log has the details. */
    API_INTERNAL: true;
    /** The API's own files in the data directory (the cookie key, the idempotency journal) cannot be used. */
    API_FILE_UNUSABLE: true;
    /** The configured HTTPS certificate and key cannot be read, or are not a pair. */
    API_TLS_UNUSABLE: true;
    /** The warnings workflow refused a draft (POST /api/warnings, its preview); `problems` says why. */
    WARNING_REJECTED: true;
    /** A CAP message that cannot be imported (POST /api/import/cap); `problems` gives every reason. */
    CAP_REJECTED: true;
  }
}

/** One thing wrong with the input, at `field` (a JSON path like `indicators.dead`). */
export interface ApiProblem {
  field: string;
  /** A stable code when the domain has one (REPORT_EXPLANATION_MISSING…). */
  code?: string;
  /** In English. */
  message: string;
  /** In Chinese, for the person filling in the form, when the domain says it. */
  zh?: string;
}

/** The JSON body of every error reply. */
export interface ApiErrorBody {
  code: string;
  message: string;
  problems?: ApiProblem[];
  retryAfterMs?: number;
}

/** A KitError that carries what the reply needs beyond code and message. */
export class ApiError extends KitError {
  readonly status: number;
  readonly problems: ApiProblem[] | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: KitErrorCode,
    message: string,
    extra: { status?: number; problems?: ApiProblem[]; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(code, message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ApiError';
    this.status = extra.status ?? statusOf(code);
    this.problems = extra.problems;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

const STATUS: Partial<Record<KitErrorCode, number>> = {
  API_BAD_REQUEST: 400,
  API_IDEMPOTENCY_KEY_MISSING: 400,
  API_NOT_SIGNED_IN: 401,
  API_PIN_WRONG: 401,
  API_FORBIDDEN: 403,
  API_CSRF_MISSING: 403,
  API_CSRF_WRONG: 403,
  API_ORIGIN_REFUSED: 403,
  API_NOT_FOUND: 404,
  API_IDEMPOTENCY_IN_PROGRESS: 409,
  API_BODY_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_IDEMPOTENCY_KEY_REUSED: 422,
  API_SIGN_IN_BUSY: 429,
  API_STARTING: 503,
  API_TOO_MANY_STREAMS: 503,
  // The domain's codes that are about the request, not the node.
  REPORT_REJECTED: 400,
  REPORT_EXPLANATION_MISSING: 400,
  REPORT_FIGURE_INVALID: 400,
  REPORT_FIGURES_INCONSISTENT: 400,
  REPORT_FIELD_INVALID: 400,
  REPORT_STAGE_INVALID: 400,
  REPORT_INCIDENT_CLOSED: 409,
  REPORT_NOTE_TOO_LONG: 400,
  REPORT_INCIDENT_UNKNOWN: 404,
  ROSTER_UNKNOWN_PERSON: 404,
  WARNING_REJECTED: 400,
  CAP_REJECTED: 400,
  WARNING_UNKNOWN: 404,
  // This node holds no issuer key, the warning is closed, answers are made at a kit: the request is
  // sound, the node's state refuses it.
  WARNING_NO_ISSUER: 409,
  WARNING_CLOSED: 409,
  WARNING_NOT_HERE: 409,
  // A lost kit (docs/api.md §Kits): the request names no kit, or the kit's state refuses it.
  KIT_UNKNOWN: 404,
  KIT_REPLACEMENT_INVALID: 400,
  KIT_REVOKED: 409,
  KIT_NOT_REVOKED: 409,
  KIT_NO_ISSUER: 409,
  // The node's, and worth saying plainly.
  STORE_FULL: 507,
};

/** The HTTP status of an error code: its entry above, else 500 (a fault of the node). */
export function statusOf(code: string): number {
  return STATUS[code as KitErrorCode] ?? 500;
}

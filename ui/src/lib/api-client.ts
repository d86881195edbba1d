/**
 * The UI's one way to the API (docs/api.md §Errors, §CSRF, §Idempotency): JSON in and out, the
 * session's CSRF token on every write, an idempotency key on every write, and every failure turned
 * into an `ApiFailure` with the API's stable code, so that the views decide on codes, never on
 * message text.
 *
 * A preview (`dryRun`) is a POST that writes nothing: it carries the CSRF token like any write, and
 * no idempotency key, since doing it twice does nothing twice (docs/api.md §Reports).
 *
 * A request that gets no answer at all (the phone left the kit's Wi-Fi, the kit is off, the answer
 * took too long) is a failure with `network` set and status 0: nothing is known about whether the
 * kit did it, which is why writes carry a key that makes sending again safe.
 */
import type { ApiErrorBody, ApiProblem } from './api-types.js';

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: ApiProblem[];
  readonly retryAfterMs: number | undefined;
  /** No answer came: the kit was not reached, or did not answer in time. */
  readonly network: boolean;

  constructor(status: number, body: Partial<ApiErrorBody>, network = false) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = body.code ?? (network ? 'NETWORK' : `HTTP_${status}`);
    this.problems = body.problems ?? [];
    this.retryAfterMs = body.retryAfterMs;
    this.network = network;
  }
}

export interface WriteResult<T> {
  status: number;
  body: T;
  /** The API answered from its record of this key: the action had been done before. */
  replayed: boolean;
}

export interface ApiClientOptions {
  /** Prefix of every path. Default '' (the page's own origin). */
  base?: string;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** A request with no answer after this long is given up, ms. Default 15,000. */
  timeoutMs?: number;
}

export class ApiClient {
  /** The session's CSRF token (GET /api/session gives it); writes fail without it. */
  csrfToken: string | undefined;
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions = {}) {
    this.#base = options.base ?? '';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  async get<T>(path: string): Promise<T> {
    const { body } = await this.#request<T>('GET', path, undefined, {});
    return body;
  }

  /** A write under `key`: the same key again is the same action, done at most once. */
  async write<T>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    key: string,
  ): Promise<WriteResult<T>> {
    const headers: Record<string, string> = { 'idempotency-key': key };
    if (this.csrfToken !== undefined) headers['x-csrf-token'] = this.csrfToken;
    return this.#request<T>(method, path, body, headers);
  }

  /** A POST that writes nothing (a preview): the CSRF token, no idempotency key. */
  async dryRun<T>(path: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.csrfToken !== undefined) headers['x-csrf-token'] = this.csrfToken;
    return (await this.#request<T>('POST', path, body, headers)).body;
  }

  async #request<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<WriteResult<T>> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#timeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(this.#base + path, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: abort.signal,
      });
    } catch (err) {
      throw new ApiFailure(0, { message: err instanceof Error ? err.message : String(err) }, true);
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok)
      throw new ApiFailure(response.status, (parsed as Partial<ApiErrorBody> | undefined) ?? {});
    return {
      status: response.status,
      body: parsed as T,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  }
}

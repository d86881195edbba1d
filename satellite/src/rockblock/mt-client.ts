/**
 * The RockBLOCK MT client (docs/iridium.md §2.3, §7.5): queues a message for a RockBLOCK by
 * POSTing `imei, username, password, data (hex)[, flush=yes]` to the MT endpoint, and reads
 * `OK,<mtId>` or `FAILED,<code>,<description>`.
 *
 * - The parameters go in a form body, never the URL, so no proxy or access log sees the
 *   credentials, and over https, never plain http but to a loopback host (mt-endpoint.ts).
 *   Credentials come from options or the environment and are never logged: every text that
 *   reaches an error or a log line passes through a redactor first, the endpoint's own answers
 *   included, in case it echoes the request.
 * - Network failures, timeouts and 5xx answers are retried a bounded number of times with
 *   exponential backoff. A retry after a lost answer may queue the message twice; the core's
 *   message ids make that harmless. FAILED answers are not retried here: they are the caller's to
 *   classify (mt-response.ts says which can succeed later).
 * - `flush=yes` empties the device's MT queue first: only for a message that supersedes
 *   everything queued (a warning cancelled or replaced).
 * - At most 270 bytes (the 9602/9603 MT limit; §1.4). `mtId` is Rock7's id, not the MTMSN.
 */
import { KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { MAX_MT_BYTES } from '../iridium-limits.js';
import { mtEndpointProblem } from './mt-endpoint.js';
import { mtCodeMeaning, parseMtResponse, RockblockMtError } from './mt-response.js';

export { MAX_MT_BYTES };

/** Rock7's MT endpoint. Tests and the simulator always pass their own. */
export const ROCKBLOCK_MT_ENDPOINT = 'https://rockblock.rock7.com/rockblock/MT';
/** Environment variables read when the options give no credentials. */
export const MT_USERNAME_ENV = 'FIELDNODE_ROCKBLOCK_USERNAME';
export const MT_PASSWORD_ENV = 'FIELDNODE_ROCKBLOCK_PASSWORD';

const IMEI = /^\d{15}$/;

/** Options for {@link RockblockMtClient}. */
export interface RockblockMtClientOptions {
  /**
   * The MT endpoint URL. Default {@link ROCKBLOCK_MT_ENDPOINT}. https, no user:password@ in it;
   * http only to a loopback host (the simulator, tests).
   */
  endpoint?: string;
  /** Rock7 portal user name; default from FIELDNODE_ROCKBLOCK_USERNAME. */
  username?: string;
  /** Rock7 portal password; default from FIELDNODE_ROCKBLOCK_PASSWORD. */
  password?: string;
  /** Where to read the environment variables. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Attempts per message, the first included. Default 3. */
  attempts?: number;
  /** Backoff before the first retry, ms; doubled each time. Default 2000. */
  retryDelayMs?: number;
  /** Longest backoff, ms. Default 30,000. */
  maxRetryDelayMs?: number;
  /** One attempt's limit, ms. Default 30,000. */
  timeoutMs?: number;
  log?: Logger;
}

export interface MtSendOptions {
  /** Flush the device's MT queue before queuing this one (flush=yes). */
  flush?: boolean;
  signal?: AbortSignal;
}

export interface MtQueued {
  /** Rock7's id for the queued message. */
  mtId: string;
  /** Attempts it took. */
  attempts: number;
}

/** Sends MT messages through the RockBLOCK web service. */
export class RockblockMtClient {
  readonly endpoint: string;
  readonly #username: string;
  readonly #password: string;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  /** The secrets as they may appear in text: raw and form-encoded. */
  readonly #secrets: string[];

  /**
   * @throws KitError CONFIG_INVALID when no credentials are given or found in the environment;
   *   TypeError for an endpoint that carries credentials, is not https, or is http to anything
   *   but a loopback host (mt-endpoint.ts).
   */
  constructor(opts: RockblockMtClientOptions = {}) {
    const env = opts.env ?? process.env;
    const username = opts.username ?? env[MT_USERNAME_ENV];
    const password = opts.password ?? env[MT_PASSWORD_ENV];
    if (!username || !password) {
      throw new KitError(
        'CONFIG_INVALID',
        `RockBLOCK MT credentials missing: configure them or set ${MT_USERNAME_ENV} and ${MT_PASSWORD_ENV}`,
      );
    }
    const endpoint = opts.endpoint ?? ROCKBLOCK_MT_ENDPOINT;
    // The configuration refuses these too; this guard is for every other way of building a client.
    const problem = mtEndpointProblem(endpoint);
    // Not the URL itself in the message: it may carry a password.
    if (problem !== undefined) throw new TypeError(`the MT endpoint: ${problem}`);
    this.endpoint = new URL(endpoint).toString();
    this.#username = username;
    this.#password = password;
    this.#attempts = positive('attempts', opts.attempts ?? 3);
    this.#retryDelayMs = opts.retryDelayMs ?? 2000;
    this.#maxRetryDelayMs = opts.maxRetryDelayMs ?? 30_000;
    this.#timeoutMs = positive('timeoutMs', opts.timeoutMs ?? 30_000);
    this.#log = opts.log ?? silentLogger;
    this.#secrets = [
      ...new Set([username, password, encodeURIComponent(username), encodeURIComponent(password)]),
    ]
      .filter((s) => s.length > 0)
      .sort((a, b) => b.length - a.length);
  }

  /**
   * Queues `data` for `imei`.
   *
   * @throws RangeError for an IMEI that is not 15 digits or data that is empty or over 270 bytes.
   * @throws RockblockMtError (KitError ROCKBLOCK_MT_FAILED) when the message was not queued; its
   *   `kind`, `retry` and `rockblockCode` say why and whether a later attempt can help.
   */
  async send(imei: string, data: Uint8Array, opts: MtSendOptions = {}): Promise<MtQueued> {
    if (!IMEI.test(imei)) throw new RangeError(`IMEI must be 15 digits, got ${JSON.stringify(imei)}`);
    if (data.length === 0 || data.length > MAX_MT_BYTES) {
      throw new RangeError(`an MT message is 1..${MAX_MT_BYTES} bytes, got ${data.length}`);
    }
    const form = new URLSearchParams({
      imei,
      username: this.#username,
      password: this.#password,
      data: Buffer.from(data).toString('hex'),
    });
    if (opts.flush) form.set('flush', 'yes');
    const body = form.toString(); // encoded now: `data` may change after send() returns

    let last: RockblockMtError | undefined;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      if (attempt > 1) {
        const delay = Math.min(this.#maxRetryDelayMs, this.#retryDelayMs * 2 ** (attempt - 2));
        this.#log.debug({ imei, attempt, delay, kind: last?.kind }, 'rockblock MT: retrying');
        await sleep(delay, opts.signal).catch(() => {});
      }
      if (opts.signal?.aborted) throw this.#aborted(imei);
      const result = await this.#attempt(imei, body, opts.signal);
      if (!(result instanceof RockblockMtError)) {
        this.#log.debug({ imei, mtId: result, attempt, bytes: data.length }, 'rockblock MT queued');
        return { mtId: result, attempts: attempt };
      }
      last = result;
      const transient =
        result.kind === 'network' || result.kind === 'timeout' || (result.httpStatus ?? 0) >= 500;
      if (!transient || result.kind === 'aborted') break;
    }
    const error = last ?? this.#aborted(imei);
    this.#log.warn(
      { imei, kind: error.kind, code: error.rockblockCode, status: error.httpStatus, err: error },
      'rockblock MT not queued',
    );
    throw error;
  }

  /** One POST: the mtId, or the failure as a value. */
  async #attempt(
    imei: string,
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<string | RockblockMtError> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/plain' },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) return this.#aborted(imei);
      const kind = timeout.aborted ? 'timeout' : 'network';
      return new RockblockMtError(
        `RockBLOCK MT to ${imei}: ${kind === 'timeout' ? 'no answer in time' : 'no answer'}`,
        {
          kind,
          retry: 'later',
          cause: this.#sanitised(err),
        },
      );
    }
    if (status !== 200) {
      return new RockblockMtError(
        `RockBLOCK MT to ${imei}: HTTP ${status} ${this.#redact(text.slice(0, 80))}`,
        {
          kind: 'http',
          retry: 'later',
          httpStatus: status,
        },
      );
    }
    let parsed: ReturnType<typeof parseMtResponse>;
    try {
      parsed = parseMtResponse(text);
    } catch {
      return new RockblockMtError(
        `RockBLOCK MT to ${imei}: unexpected answer ${JSON.stringify(this.#redact(text.trim().slice(0, 80)))}`,
        { kind: 'malformed', retry: 'later', httpStatus: status },
      );
    }
    if (parsed.ok) return parsed.mtId;
    const meaning = mtCodeMeaning(parsed.code);
    return new RockblockMtError(
      `RockBLOCK MT to ${imei} refused: FAILED ${parsed.code} ${this.#redact(parsed.description || meaning.description)}`,
      { kind: 'refused', retry: meaning.retry, rockblockCode: parsed.code, httpStatus: status },
    );
  }

  #aborted(imei: string): RockblockMtError {
    return new RockblockMtError(`RockBLOCK MT to ${imei}: aborted`, { kind: 'aborted', retry: 'later' });
  }

  /** `text` with every appearance of a credential replaced. */
  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  /**
   * A network error rebuilt from its messages and codes only, redacted: the original objects may
   * hold request details we cannot vouch for.
   */
  #sanitised(err: unknown, depth = 0): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    const cause = depth < 3 && e.cause !== undefined ? this.#sanitised(e.cause, depth + 1) : undefined;
    const copy = new Error(this.#redact(e.message), cause ? { cause } : undefined);
    copy.name = e.name;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(copy, { code });
    return copy;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

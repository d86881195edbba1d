/**
 * The county centre's receiver of RockBLOCK MO pushes (docs/iridium.md §2.1, §2.2, §7.5;
 * docs/links.md §The centre's satellite ingress): an HTTP POST handler for node:http that verifies
 * the push token, answers at once, and hands what it verified to its listeners afterwards.
 *
 * Answers (Rock7 wants a 200 within 3 s and, by its "guaranteed delivery", retries anything else):
 * - 200: the token verified. Whether the push was new, a duplicate, a mailbox check, a payload of
 *   any kind or claims in an unexpected shape (quarantined) makes no difference to Rock7: it has
 *   been kept.
 * - 403: a body we could read whose token does not verify (malformed token, algorithm other than
 *   RS256, signature, issuer, expired). Forged or altered; logged with the reason.
 * - 400: a body that does not parse or has no token; 413: a body over `maxBodyBytes`; 415: not a
 *   form or JSON body; 405: not a POST; 404: another path than `path`.
 * - 503 (Retry-After 60): `accepting` is false, e.g. the link that consumes pushes is stopped.
 *   Rock7 keeps the push and retries, so nothing is acknowledged that nobody will take.
 * - Every refusal is answered at once and closes the connection. It is counted and emitted as
 *   `rejected`, but logged only a few times a minute (centre/receiver-ledger.ts): it faces the
 *   internet, and junk must not fill the journal. On its own server ({@link listen}) the limits
 *   of push-server.ts apply too: a connection cap and short timeouts (docs/centre-doors.md).
 *
 * Everything comes from the verified claims (imei, momsn, data, transmit_time); the unsigned body
 * fields are only compared with them, and a disagreement is logged. Pushes are deduplicated on
 * (imei, momsn, transmit_time) for `dedupeWindowMs` (48 h) and at most `dedupeLimit` keys; with
 * `dedupeStore` the keys outlive a restart (centre/seen-deliveries.ts), so a push replayed after
 * one is still a duplicate. What the payload is, is not the receiver's business: every new push is
 * handed on, and the core tells fieldnode frames from other traffic (node/src/wire/classify.ts).
 * A signed push whose claims are not the documented shape is handed to the `quarantine`
 * listeners in the shape of the durable foreign-payload record (centre/quarantine.ts), for the
 * composition root to keep; the receiver keeps nothing of it in memory.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { type QuarantinedPayload, quarantinedPush } from '../centre/quarantine.js';
import { ReceiverLedger, type ReceiverLedgerOptions } from '../centre/receiver-ledger.js';
import { boundAddress, closeServer, listenOn } from '../net/listen.js';
import { type JwtClaims, jwtRejection, Rock7JwtVerifier, type Rock7JwtVerifierOptions } from './jwt.js';
import { parsePushBody, pushBodyProblem, tokenOf } from './push-body.js';
import { bodyMismatches, pushFromClaims, pushKey, type RockblockPush } from './push-claims.js';
import { createPushServer, type PushServerLimits, type ServerRefusal } from './push-server.js';

/** A push that verified and is new: a payload, whatever it holds, or a mailbox check (empty data). */
export interface ReceivedPush extends RockblockPush {
  /** Unix ms. */
  receivedAt: number;
}

/** A request that was answered with something other than 200. */
export interface PushRejection {
  status: number;
  /** A stable word: a JwtRejection, a body problem, the HTTP reason, or a ServerRefusal reason. */
  reason: string;
  detail: string;
  /** The peer's address, for the log. */
  remote?: string;
}

export interface PushReceiverEvents {
  push: [ReceivedPush];
  quarantine: [QuarantinedPayload];
  rejected: [PushRejection];
}

export interface PushReceiverCounters {
  /** New verified pushes handed on as `push`, mailbox checks included. */
  accepted: number;
  mailboxChecks: number;
  duplicates: number;
  /** Signed pushes whose claims are not the documented shape, handed on as `quarantine`. */
  quarantined: number;
  /** Requests answered with anything but 200, those refused by the server's limits included. */
  rejected: number;
  /** Connections closed on arrival, unanswered, because the server had `maxConnections` open. */
  dropped: number;
}

/** Options for {@link RockblockPushReceiver}; deduplication and the refusal log as receiver-ledger.ts has them. */
export interface RockblockPushReceiverOptions extends ReceiverLedgerOptions {
  /** The key push tokens must verify with. Default: the published Rock7 key (rock7-key.ts). */
  key?: Rock7JwtVerifierOptions['key'];
  /** Only this path is served, e.g. "/rockblock/mo". Default: any path. */
  path?: string;
  /** Largest body read, bytes. Default 16 KiB; a real push is about 1.2 KB. */
  maxBodyBytes?: number;
  /** A body not complete within this is dropped, ms. Default 2000 (Rock7 gives up at 3 s). */
  bodyTimeoutMs?: number;
  /** Limits of the server {@link RockblockPushReceiver.listen} starts (push-server.ts has the defaults). */
  limits?: PushServerLimits;
  /** Unix ms now. Default Date.now. */
  now?: () => number;
  log?: Logger;
}

const DEFAULT_MAX_BODY = 16 * 1024;
/** The most payload bytes written into a log line, as hex: a whole 9602/9603 MO message (340). */
const LOGGED_BYTES = 400;

/** Verifies RockBLOCK pushes; mount {@link handle} in a server or call {@link listen}. */
export class RockblockPushReceiver extends EventEmitter<PushReceiverEvents> {
  /** While false, every request gets 503 so Rock7 keeps and retries its pushes. */
  accepting = true;
  readonly #verifier: Rock7JwtVerifier;
  readonly #path: string | undefined;
  readonly #maxBody: number;
  readonly #bodyTimeoutMs: number;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #limits: PushServerLimits;
  /** The keys of the pushes taken, and the refusals. */
  readonly #ledger: ReceiverLedger;
  readonly #counters: PushReceiverCounters = {
    accepted: 0,
    mailboxChecks: 0,
    duplicates: 0,
    quarantined: 0,
    rejected: 0,
    dropped: 0,
  };
  #server: Server | undefined;

  constructor(opts: RockblockPushReceiverOptions = {}) {
    super();
    this.#now = opts.now ?? Date.now;
    this.#verifier = new Rock7JwtVerifier({
      now: this.#now,
      ...(opts.key !== undefined ? { key: opts.key } : {}),
    });
    this.#path = opts.path;
    this.#maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.#bodyTimeoutMs = opts.bodyTimeoutMs ?? 2000;
    this.#log = opts.log ?? silentLogger;
    this.#limits = opts.limits ?? {};
    this.#ledger = new ReceiverLedger(opts, {
      msg: 'rockblock push refused',
      counters: this.#counters,
      now: this.#now,
      log: this.#log,
    });
  }

  /** A node:http request listener. Never throws; every request gets an answer. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const remote = req.socket.remoteAddress;
    const reject = (status: number, reason: string, detail: string, headers: Record<string, string> = {}) => {
      const rejection: PushRejection = { status, reason, detail, ...(remote ? { remote } : {}) };
      this.#ledger.refused({ status, reason, detail, remote });
      // Closing frees the connection at once: a refused peer has no reason to keep it.
      answer(res, status, reason, { ...headers, Connection: 'close' });
      this.emit('rejected', rejection);
    };
    if (!this.accepting) {
      req.resume();
      reject(503, 'not-accepting', 'the receiving link is not up', { 'Retry-After': '60' });
      return;
    }
    const path = (req.url ?? '/').split('?', 1)[0];
    if (this.#path !== undefined && path !== this.#path) {
      req.resume();
      reject(404, 'not-found', `path ${path}`);
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      reject(405, 'method', `method ${req.method}`, { Allow: 'POST' });
      return;
    }
    readBody(req, this.#maxBody, this.#bodyTimeoutMs).then(
      (body) => {
        if (body === 'too-large') reject(413, 'too-large', `body over ${this.#maxBody} bytes`);
        else if (body !== 'incomplete') this.#receive(req.headers['content-type'], body, res, reject);
      },
      () => {}, // the peer went away; there is nobody to answer
    );
  };

  /** Serves pushes on its own HTTP server; resolves with the bound address (port 0 picks one). */
  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.#server) throw new Error('the push receiver is already listening');
    const server = createPushServer(this.handle, this.#limits, (refusal) => this.#serverRefused(refusal));
    const address = await listenOn(server, port, host);
    this.#server = server;
    return address;
  }

  /** Closes the server started by {@link listen}, if any, and its connections; saves the keys seen. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#ledger.flushRefusals();
    if (server) await closeServer(server);
    await this.#ledger.seen.flush();
  }

  /** The address {@link listen} bound, while listening. */
  address(): AddressInfo | undefined {
    return boundAddress(this.#server);
  }

  counters(): Readonly<PushReceiverCounters> {
    return { ...this.#counters };
  }

  #serverRefused({ reason, status, remote }: ServerRefusal): void {
    if (status === undefined) {
      this.#ledger.dropped(reason, remote);
      return;
    }
    const at = remote ? { remote } : {};
    this.#ledger.refused({ status, reason, ...at });
    this.emit('rejected', { status, reason, detail: `refused by the server: ${reason}`, ...at });
  }

  #receive(
    contentType: string | undefined,
    bytes: Uint8Array,
    res: ServerResponse,
    reject: (status: number, reason: string, detail: string) => void,
  ): void {
    let body: Readonly<Record<string, unknown>>;
    try {
      body = parsePushBody(contentType, bytes);
    } catch (err) {
      const problem = pushBodyProblem(err) ?? 'malformed';
      reject(problem === 'unsupported-type' ? 415 : 400, problem, (err as Error).message);
      return;
    }
    const token = tokenOf(body);
    if (token === undefined) {
      reject(400, 'no-token', 'the body has no JWT field');
      return;
    }
    let claims: JwtClaims;
    try {
      claims = this.#verifier.verify(token);
    } catch (err) {
      reject(403, jwtRejection(err) ?? 'malformed', (err as Error).message);
      return;
    }

    // Authentic from here on: answer first (Rock7's 3 s), then process.
    const receivedAt = this.#now();
    let push: RockblockPush;
    try {
      push = pushFromClaims(claims);
    } catch (err) {
      answer(res, 200, 'OK');
      this.#keep(quarantinedPush(claims, (err as Error).message, receivedAt));
      return;
    }
    const key = pushKey(push);
    if (this.#ledger.seen.has(key)) {
      this.#counters.duplicates++;
      answer(res, 200, 'OK');
      this.#log.debug({ imei: push.imei, momsn: push.momsn }, 'rockblock push: duplicate');
      return;
    }
    // In memory at once, so that a copy arriving meanwhile is a duplicate; saved once handed on.
    this.#ledger.seen.add(key);
    answer(res, 200, 'OK');
    // Only for a new push: a replayed token with altered body fields must not repeat the line.
    const mismatched = bodyMismatches(claims, body);
    if (mismatched.length > 0) {
      this.#log.warn(
        { fields: mismatched },
        'rockblock push: unsigned body fields disagree with the token; using the token',
      );
    }

    this.#counters.accepted++;
    if (push.data.length === 0) this.#counters.mailboxChecks++;
    setImmediate(() => {
      this.emit('push', { ...push, receivedAt });
      this.#ledger.seen.save();
    });
  }

  #keep(item: QuarantinedPayload): void {
    this.#counters.quarantined++;
    this.#log.warn(
      {
        reason: item.reason,
        detail: item.detail,
        from: item.from,
        bytes: item.hex.length / 2,
        hex: item.hex.slice(0, 2 * LOGGED_BYTES),
      },
      'rockblock push quarantined: its claims are not the documented shape',
    );
    setImmediate(() => this.emit('quarantine', item));
  }
}

function answer(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** The request body, 'too-large' past `max` bytes, or 'incomplete' if it stops or stalls. */
function readBody(
  req: IncomingMessage,
  max: number,
  timeoutMs: number,
): Promise<Uint8Array | 'too-large' | 'incomplete'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.destroy();
      resolve('incomplete');
    }, timeoutMs);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

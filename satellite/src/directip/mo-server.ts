/**
 * The county centre's DirectIP MO server (docs/iridium.md §3.1, §3.3, §7.5; docs/links.md §The
 * centre's satellite ingress): the Iridium gateway connects, sends one MO message and closes. With
 * MO confirmation provisioned (`confirm`), the server answers exactly `01 00 04 05 00 01 01` once
 * it has kept the message, or `… 00` when it could not read it; without, nothing is sent back.
 *
 * Kept means: decoded, deduplicated on (IMEI, MOMSN, session time), and handed to the `mo`
 * listeners, whatever the payload holds (the core tells fieldnode frames from other traffic:
 * node/src/wire/classify.ts). The gateway retries whatever it could not deliver for up to 12 h, so
 * a message seen twice is answered as success and not handed on again; with `dedupeStore` the
 * keys outlive a restart (centre/seen-deliveries.ts). While `accepting` is false the server resets
 * connections unread, so the gateway keeps its messages for later.
 *
 * DirectIP has no authentication of its own: the gateway's source address is the only sign of
 * who is calling (Iridium whitelists addresses the other way round), so `allowedSources` can
 * restrict it; the payloads are authenticated end to end by the core in any case. Behind a NAT the
 * source is the NAT's, and admits everything behind it: docs/centre-doors.md says what the check
 * guarantees. Behind a TCP proxy that speaks the PROXY protocol (`proxyProtocol`), the source
 * checked is the one the proxy's header gives, and only connections from `trustedProxies` are
 * heard at all.
 *
 * The server faces the internet (docs/centre-doors.md §DirectIP): at most `maxConnections` at
 * once (more are closed on arrival), a whole message within `readTimeoutMs` of the connection,
 * and `lingerMs` after the answer for the gateway to close its end. Refusals are counted and
 * emitted one by one, but logged only a few times a minute (centre/receiver-ledger.ts).
 */
import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isKitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { ReceiverLedger, type ReceiverLedgerOptions } from '../centre/receiver-ledger.js';
import { boundAddress, closeServer, listenOn } from '../net/listen.js';
import { RefusalLog } from '../rockblock/refusal-log.js';
import { canonicalIp } from './ip-address.js';
import { decodeMo, encodeMoConfirmation, type MoMessage } from './mo.js';
import { ReadTimeoutError, readMessage } from './read-message.js';
import { readProxyHeader } from './read-proxy-header.js';

/** Who delivered a message: the gateway's address, and the proxy it came through, if any. */
export interface MoSender {
  /** The gateway's address (canonical: ip-address.ts): the connection's, or the PROXY header's. */
  remote?: string;
  /** With the PROXY protocol: the trusted proxy the connection came from. */
  proxy?: string;
}

/** A new MO message as the centre received it. */
export interface ReceivedMo extends MoSender {
  message: MoMessage;
  /** Unix ms. */
  receivedAt: number;
}

export interface MoRejection extends MoSender {
  reason: 'malformed' | 'timeout' | 'source' | 'not-accepting' | 'proxy-header';
  detail: string;
}

export interface MoServerEvents {
  mo: [ReceivedMo];
  rejected: [MoRejection];
}

export interface MoServerCounters {
  /** New MO messages handed on as `mo`, mailbox checks included. */
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Connections closed on arrival because `maxConnections` were open. */
  dropped: number;
}

/** Options for {@link DirectIpMoServer}; deduplication and the refusal log as receiver-ledger.ts has them. */
export interface DirectIpMoServerOptions extends ReceiverLedgerOptions {
  /** Answer with an MO confirmation (only if Iridium has provisioned it). Default false. */
  confirm?: boolean;
  /**
   * A connection without a complete message (its PROXY header included) by then is dropped, ms.
   * Default 10,000.
   */
  readTimeoutMs?: number;
  /** After the answer, the gateway has this long to close its end before the socket is destroyed, ms. Default 5000. */
  lingerMs?: number;
  /** Connections open at once; more are closed on arrival. Default 32 (the gateway sends one at a time). */
  maxConnections?: number;
  /** Only these source addresses may deliver; default any. */
  allowedSources?: readonly string[];
  /**
   * Every connection starts with a PROXY protocol header (v1 or v2) and comes from one of
   * `trustedProxies`; the header's source address is then the one checked against
   * `allowedSources`. Default: off, the connection's own address is the source.
   */
  proxyProtocol?: { trustedProxies: readonly string[] };
  /** Unix ms now. Default Date.now. */
  now?: () => number;
  log?: Logger;
}

export class DirectIpMoServer extends EventEmitter<MoServerEvents> {
  /** While false, connections are dropped unread. */
  accepting = true;
  readonly #confirm: boolean;
  readonly #readTimeoutMs: number;
  readonly #lingerMs: number;
  readonly #maxConnections: number;
  readonly #allowed: ReadonlySet<string> | undefined;
  readonly #proxies: ReadonlySet<string> | undefined;
  readonly #now: () => number;
  readonly #log: Logger;
  /** The keys seen (the gateway delivers again for 12 h) and the refusals. */
  readonly #ledger: ReceiverLedger;
  readonly #extraBytes: RefusalLog;
  readonly #sockets = new Set<Socket>();
  readonly #counters: MoServerCounters = { accepted: 0, duplicates: 0, rejected: 0, dropped: 0 };
  #server: Server | undefined;

  constructor(opts: DirectIpMoServerOptions = {}) {
    super();
    this.#confirm = opts.confirm ?? false;
    this.#readTimeoutMs = opts.readTimeoutMs ?? 10_000;
    this.#lingerMs = opts.lingerMs ?? 5000;
    this.#maxConnections = opts.maxConnections ?? 32;
    const canonical = (list: readonly string[]) => new Set(list.map((a) => canonicalIp(a)));
    this.#allowed = opts.allowedSources ? canonical(opts.allowedSources) : undefined;
    this.#proxies = opts.proxyProtocol ? canonical(opts.proxyProtocol.trustedProxies) : undefined;
    this.#now = opts.now ?? Date.now;
    this.#log = opts.log ?? silentLogger;
    this.#ledger = new ReceiverLedger(opts, {
      msg: 'directip MO refused',
      counters: this.#counters,
      now: this.#now,
      log: this.#log,
    });
    this.#extraBytes = new RefusalLog({
      log: this.#log,
      now: this.#now,
      ...opts.refusalLog,
      msg: 'directip MO: bytes after the message ignored',
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.#server) throw new Error('the DirectIP MO server is already listening');
    const server = createServer((socket) => this.#connection(socket));
    server.maxConnections = this.#maxConnections;
    server.on('drop', (data) => this.#ledger.dropped('busy', canonicalIp(data?.remoteAddress)));
    const address = await listenOn(server, port, host);
    this.#server = server;
    return address;
  }

  address(): AddressInfo | undefined {
    return boundAddress(this.#server);
  }

  /** Stops listening and drops open connections (their gateway will retry); saves the keys seen. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#ledger.flushRefusals();
    this.#extraBytes.flush();
    if (server) {
      for (const s of this.#sockets) s.destroy();
      await closeServer(server);
    }
    await this.#ledger.seen.flush();
  }

  counters(): Readonly<MoServerCounters> {
    return { ...this.#counters };
  }

  #reject(socket: Socket, rejection: MoRejection, answer: boolean): void {
    this.#ledger.refused({ ...rejection });
    this.emit('rejected', rejection);
    if (answer && this.#confirm && socket.writable) this.#finish(socket, encodeMoConfirmation(false));
    // A reset, not a clean close: a gateway without MO confirmation must see that nothing was
    // taken, or it counts the message delivered.
    else socket.resetAndDestroy();
  }

  /** Ends the connection, answering `bytes` if any, and destroys it if the peer does not close. */
  #finish(socket: Socket, bytes?: Uint8Array): void {
    if (bytes) socket.end(bytes);
    else socket.end();
    const linger = setTimeout(() => socket.destroy(), this.#lingerMs);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }

  #connection(socket: Socket): void {
    const peer = canonicalIp(socket.remoteAddress);
    const at = peer ? { remote: peer } : {};
    socket.on('error', () => {}); // a reset by the peer is reported through the readers
    if (!this.accepting) {
      this.#reject(socket, { reason: 'not-accepting', detail: 'the receiving link is not up', ...at }, false);
      return;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    if (this.#proxies === undefined) {
      this.#admit(socket, at, undefined, this.#readTimeoutMs);
      return;
    }
    if (!(peer && this.#proxies.has(peer))) {
      this.#reject(socket, { reason: 'source', detail: `${peer} is not a trusted proxy`, ...at }, false);
      return;
    }
    const started = performance.now();
    readProxyHeader(socket, this.#readTimeoutMs).then(
      ({ header, rest }) => {
        // LOCAL, UNKNOWN: the proxy's own connection, e.g. a health check; the proxy is the source.
        const from: MoSender = { remote: header.source?.address ?? peer, proxy: peer };
        const left = Math.max(1, this.#readTimeoutMs - (performance.now() - started));
        this.#admit(socket, from, rest, left);
      },
      (err: Error) => {
        const reason =
          err instanceof ReadTimeoutError
            ? 'timeout'
            : isKitError(err, 'DIRECTIP_PROXY_MALFORMED')
              ? 'proxy-header'
              : 'malformed';
        this.#reject(socket, { reason, detail: err.message, ...at, proxy: peer }, false);
      },
    );
  }

  /** Checks the source, then reads, keeps and answers one message. */
  #admit(socket: Socket, from: MoSender, initial: Uint8Array | undefined, timeoutMs: number): void {
    if (this.#allowed && !(from.remote && this.#allowed.has(from.remote))) {
      this.#reject(
        socket,
        { reason: 'source', detail: `source ${from.remote} is not allowed`, ...from },
        false,
      );
      return;
    }
    readMessage(socket, timeoutMs, initial).then(
      ({ message, extra }) => {
        let mo: MoMessage;
        try {
          mo = decodeMo(message);
        } catch (err) {
          this.#reject(socket, { reason: 'malformed', detail: (err as Error).message, ...from }, true);
          return;
        }
        if (extra > 0) this.#extraBytes.refused({ reason: 'extra-bytes', extra, ...from });
        this.#keep(mo, from);
        this.#finish(socket, this.#confirm ? encodeMoConfirmation(true) : undefined);
      },
      (err: Error) => {
        const reason = err instanceof ReadTimeoutError ? 'timeout' : 'malformed';
        this.#reject(socket, { reason, detail: err.message, ...from }, reason === 'malformed');
      },
    );
  }

  #keep(mo: MoMessage, from: MoSender): void {
    const { header } = mo;
    const key = `${header.imei}|${header.momsn}|${header.sessionTime}`;
    if (this.#ledger.seen.has(key)) {
      this.#counters.duplicates++;
      this.#log.debug({ imei: header.imei, momsn: header.momsn }, 'directip MO: duplicate');
      return;
    }
    this.#ledger.seen.add(key);
    const receivedAt = this.#now();
    this.#counters.accepted++;
    setImmediate(() => {
      this.emit('mo', { message: mo, receivedAt, ...from });
      this.#ledger.seen.save();
    });
  }
}

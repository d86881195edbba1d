/**
 * The county centre's DirectIP MO server (docs/iridium.md §3.1, §3.3, §7.5; docs/links.md §The
 * centre's satellite ingress): the Iridium gateway connects, sends one MO message and closes. With
 * MO confirmation provisioned (`confirm`), the server answers exactly `01 00 04 05 00 01 01` once
 * it has kept the message, or `… 00` when it could not read it; without, nothing is sent back.
 *
 * Kept means: decoded, deduplicated on (IMEI, MOMSN, session time), and handed to the `mo`
 * listeners, whatever the payload holds (the core tells fieldnode frames from other traffic:
 * node/src/wire/classify.ts). The gateway retries whatever it could not deliver for up to 12 h, so
 * a message seen twice is answered as success and not handed on again. While `accepting` is false
 * the server resets connections unread, so the gateway keeps its messages for later.
 *
 * DirectIP has no authentication of its own: the gateway's source address is the only sign of
 * who is calling (Iridium whitelists addresses the other way round), so `allowedSources` can
 * restrict it; the payloads are authenticated end to end by the core in any case.
 */
import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { boundAddress, closeServer, listenOn } from '../net/listen.js';
import { decodeMo, encodeMoConfirmation, type MoMessage } from './mo.js';
import { ReadTimeoutError, readMessage } from './read-message.js';

/** A new MO message as the centre received it. */
export interface ReceivedMo {
  message: MoMessage;
  /** Unix ms. */
  receivedAt: number;
  remote?: string;
}

export interface MoRejection {
  reason: 'malformed' | 'timeout' | 'source' | 'not-accepting';
  detail: string;
  remote?: string;
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
}

export interface DirectIpMoServerOptions {
  /** Answer with an MO confirmation (only if Iridium has provisioned it). Default false. */
  confirm?: boolean;
  /** A connection without a complete message by then is dropped, ms. Default 10,000. */
  readTimeoutMs?: number;
  /** Only these source addresses may deliver; default any. */
  allowedSources?: readonly string[];
  /** Recent messages remembered for deduplication. Default 10,000. */
  dedupeLimit?: number;
  now?: () => number;
  log?: Logger;
}

export class DirectIpMoServer extends EventEmitter<MoServerEvents> {
  /** While false, connections are dropped unread. */
  accepting = true;
  readonly #confirm: boolean;
  readonly #readTimeoutMs: number;
  readonly #allowed: ReadonlySet<string> | undefined;
  readonly #dedupeLimit: number;
  readonly #seen = new Map<string, true>();
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #sockets = new Set<Socket>();
  readonly #counters: MoServerCounters = { accepted: 0, duplicates: 0, rejected: 0 };
  #server: Server | undefined;

  constructor(opts: DirectIpMoServerOptions = {}) {
    super();
    this.#confirm = opts.confirm ?? false;
    this.#readTimeoutMs = opts.readTimeoutMs ?? 10_000;
    this.#allowed = opts.allowedSources ? new Set(opts.allowedSources) : undefined;
    this.#dedupeLimit = opts.dedupeLimit ?? 10_000;
    this.#now = opts.now ?? Date.now;
    this.#log = opts.log ?? silentLogger;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.#server) throw new Error('the DirectIP MO server is already listening');
    const server = createServer((socket) => this.#connection(socket));
    const address = await listenOn(server, port, host);
    this.#server = server;
    return address;
  }

  address(): AddressInfo | undefined {
    return boundAddress(this.#server);
  }

  /** Stops listening and drops open connections (their gateway will retry). */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await closeServer(server);
  }

  counters(): Readonly<MoServerCounters> {
    return { ...this.#counters };
  }

  #reject(socket: Socket, rejection: MoRejection, answer: boolean): void {
    this.#counters.rejected++;
    this.#log.warn(rejection, 'directip MO refused');
    this.emit('rejected', rejection);
    if (answer && this.#confirm && socket.writable) socket.end(encodeMoConfirmation(false));
    // A reset, not a clean close: a gateway without MO confirmation must see that nothing was
    // taken, or it counts the message delivered.
    else socket.resetAndDestroy();
  }

  #connection(socket: Socket): void {
    const remote = socket.remoteAddress;
    const at = remote ? { remote } : {};
    socket.on('error', () => {}); // a reset by the peer is reported through readMessage
    if (!this.accepting) {
      this.#reject(socket, { reason: 'not-accepting', detail: 'the receiving link is not up', ...at }, false);
      return;
    }
    if (this.#allowed && !(remote && this.#allowed.has(remote))) {
      this.#reject(socket, { reason: 'source', detail: `source ${remote} is not allowed`, ...at }, false);
      return;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    readMessage(socket, this.#readTimeoutMs).then(
      ({ message, extra }) => {
        let mo: MoMessage;
        try {
          mo = decodeMo(message);
        } catch (err) {
          this.#reject(socket, { reason: 'malformed', detail: (err as Error).message, ...at }, true);
          return;
        }
        if (extra > 0) this.#log.warn({ extra, remote }, 'directip MO: bytes after the message ignored');
        this.#keep(mo, remote);
        if (this.#confirm) socket.end(encodeMoConfirmation(true));
        else socket.end();
      },
      (err: Error) => {
        const reason = err instanceof ReadTimeoutError ? 'timeout' : 'malformed';
        this.#reject(socket, { reason, detail: err.message, ...at }, reason === 'malformed');
      },
    );
  }

  #keep(mo: MoMessage, remote: string | undefined): void {
    const { header } = mo;
    const key = `${header.imei}|${header.momsn}|${header.sessionTime}`;
    if (this.#seen.has(key)) {
      this.#counters.duplicates++;
      this.#log.debug({ imei: header.imei, momsn: header.momsn }, 'directip MO: duplicate');
      return;
    }
    this.#seen.set(key, true);
    if (this.#seen.size > this.#dedupeLimit) {
      const oldest = this.#seen.keys().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    const receivedAt = this.#now();
    this.#counters.accepted++;
    setImmediate(() => this.emit('mo', { message: mo, receivedAt, ...(remote ? { remote } : {}) }));
  }
}

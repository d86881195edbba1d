/**
 * A real IP link over UDP, node:dgram (DESIGN.md "The link contract"; STYLE.md §12.4). One datagram
 * is one frame.
 *
 * UDP confirms nothing: a send that resolves ok means the datagram was handed to the kernel, not
 * that any peer got it. End-to-end receipts are the core's job, and so is authentication: frames
 * from senders that are not configured peers are still delivered (meta.from = "host:port") and
 * counted in `rxUnknown`.
 *
 * Links report, supervisors retry: a bind failure (EADDRINUSE, EACCES, EADDRNOTAVAIL) does not make
 * start() reject. start() resolves with the link down, reason 'port-error' and the error in
 * `detail`; the supervisor calls start() again later.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import { KitError, show } from '../errors.js';
import type {
  Link,
  LinkCounters,
  LinkDownReason,
  LinkEvents,
  LinkFailureCode,
  LinkState,
  SendOptions,
  SendOutcome,
} from '../link/link.js';

/** An IP address (or, for binding, a local interface address) and a UDP port. */
export interface UdpEndpoint {
  host: string;
  port: number;
}

/** The part of a pino logger this link uses; pass `log.child({ link: id })` or leave it out. */
export interface UdpLinkLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options for {@link UdpLink}. */
export interface UdpLinkOptions {
  /** Link id from configuration, e.g. "ip0". */
  id: string;
  /** Where to listen. Port 0 takes a free port; read it back with {@link UdpLink.address}. */
  bind: UdpEndpoint;
  /**
   * Peers by name. `send(frame, { to: name })` goes to one, a send without `to` to all. Give IP
   * addresses, not host names: inbound datagrams are matched to a name by address and port.
   */
  peers: Record<string, UdpEndpoint>;
  /**
   * Largest frame, bytes. Default 1200: with the IPv6 and UDP headers (48 bytes) it fits the
   * 1280-byte minimum IPv6 MTU (RFC 8200 §5), so no path has to fragment it. At most 65507.
   */
  mtu?: number;
  /**
   * Logs going up (info), going down (warn, once per distinct error until up again) and frames from
   * unknown senders (debug). Default: none.
   */
  log?: UdpLinkLog;
}

/** {@link LinkCounters} plus datagrams received from senders that are not configured peers. */
export interface UdpLinkCounters extends LinkCounters {
  rxUnknown: number;
}

const MAX_UDP_PAYLOAD = 65_507; // 65535 − 20 (IPv4 header) − 8 (UDP header)

function failed(retry: 'later' | 'never', code: LinkFailureCode, detail: string): SendOutcome {
  return { ok: false, retry, code, detail };
}
const key = (host: string, port: number): string => `${host.toLowerCase()}|${port}`;
const endpoint = (host: string, port: number): string =>
  isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;

const describe = (s: LinkState): string => (s.status === 'down' ? `down: ${s.reason}` : s.status);

function checkEndpoint(what: string, e: UdpEndpoint, minPort: number): void {
  if (typeof e?.host !== 'string' || e.host === '') throw new TypeError(`${what}: host must be a string`);
  if (!Number.isInteger(e.port) || e.port < minPort || e.port > 65_535) {
    throw new RangeError(`${what}: port must be an integer ${minPort}..65535, got ${show(e.port)}`);
  }
}

/**
 * A UDP socket as a Link (kind 'ip'). Owns its socket from start() to stop(); stop() is final.
 * Before start() it is down with reason 'stopped'.
 */
export class UdpLink extends EventEmitter<LinkEvents> implements Link {
  readonly id: string;
  readonly kind = 'ip' as const;
  readonly mtu: number;
  readonly #bind: UdpEndpoint;
  readonly #peers: Map<string, UdpEndpoint>;
  /** key(host, port) → peer name, to name the sender of an inbound datagram. */
  readonly #names: Map<string, string>;
  readonly #log: UdpLinkLog | undefined;
  #state: LinkState = { status: 'down', reason: 'stopped', since: Date.now() };
  #socket: Socket | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** The detail of the last down logged, until the link is up again. */
  #loggedDown: string | undefined;
  /** Datagrams handed to dgram whose callback has not come yet: closing the socket settles them. */
  readonly #inFlight = new Set<(error: string) => void>();
  readonly #counters = { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0, rxUnknown: 0 };

  constructor(opts: UdpLinkOptions) {
    super();
    const mtu = opts.mtu ?? 1200;
    if (!Number.isInteger(mtu) || mtu < 1 || mtu > MAX_UDP_PAYLOAD) {
      throw new RangeError(`mtu must be an integer 1..${MAX_UDP_PAYLOAD}, got ${show(mtu)}`);
    }
    checkEndpoint('bind', opts.bind, 0);
    for (const [name, peer] of Object.entries(opts.peers)) checkEndpoint(`peer ${name}`, peer, 1);
    this.id = opts.id;
    this.mtu = mtu;
    this.#bind = { ...opts.bind };
    this.#peers = new Map(Object.entries(opts.peers).map(([name, p]) => [name, { ...p }]));
    this.#names = new Map([...this.#peers].map(([name, p]) => [key(p.host, p.port), name]));
    this.#log = opts.log;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The bound local address while the socket is open (the real port when `bind.port` was 0). */
  address(): UdpEndpoint | undefined {
    const a = this.#socket?.address();
    return a && { host: a.address, port: a.port };
  }

  /**
   * Binds and goes up; on a bind error resolves with the link down ('port-error'). `signal` is
   * checked before binding only: a bind takes no measurable time.
   */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#stopping) throw new KitError('LINK_CLOSED', `link ${this.id} was stopped`);
    if (this.#socket) return;
    this.#starting ??= this.#open().finally(() => {
      this.#starting = undefined;
    });
    await this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#close();
    return this.#stopping;
  }

  /**
   * Sends one datagram to peer `opts.to`, or one to each peer without it; ok once the kernel has
   * them all. An unknown peer name resolves DEVICE_ERROR with retry 'never'.
   */
  async send(frame: Uint8Array, opts: SendOptions = {}): Promise<SendOutcome> {
    if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
    if (this.#stopping) throw new KitError('LINK_CLOSED', `send on stopped link ${this.id}`);
    opts.signal?.throwIfAborted();
    if (frame.byteLength > this.mtu) return failed('never', 'TOO_LARGE', `${frame.byteLength} > ${this.mtu}`);
    const socket = this.#socket;
    if (socket === undefined) return failed('later', 'LINK_DOWN', describe(this.#state));
    const { to } = opts;
    const peer = to === undefined ? undefined : this.#peers.get(to);
    if (to !== undefined && peer === undefined)
      return failed('never', 'DEVICE_ERROR', `no peer named ${show(to)}`);
    const targets: [string, UdpEndpoint][] = to !== undefined && peer ? [[to, peer]] : [...this.#peers];
    if (targets.length === 0) return failed('never', 'NO_SERVICE', 'no peers configured');

    // Copy now: dgram resolves the address first and reads the bytes a tick after send() returns.
    const bytes = Buffer.from(frame);
    const errors = await Promise.all(targets.map(([name, p]) => this.#datagram(socket, bytes, name, p)));
    const failures = errors.filter((e) => e !== undefined);
    if (failures.length === 0) return { ok: true };
    this.#counters.errors += failures.length;
    return failed('later', 'DEVICE_ERROR', failures.join('; '));
  }

  counters(): Readonly<UdpLinkCounters> {
    return { ...this.#counters };
  }

  /** Sends one datagram; resolves undefined once the kernel has it, or an error description. */
  #datagram(socket: Socket, bytes: Buffer, name: string, to: UdpEndpoint): Promise<string | undefined> {
    return new Promise((resolve) => {
      // dgram never calls back if the socket closes before the send leaves: #close settles these.
      const settle = (error: string | undefined) => {
        if (!this.#inFlight.delete(onClose)) return;
        if (error === undefined) {
          this.#counters.txFrames++;
          this.#counters.txBytes += bytes.byteLength;
        }
        resolve(error);
      };
      const onClose = (error: string) => settle(`${name}: ${error}`);
      this.#inFlight.add(onClose);
      socket.send(bytes, to.port, to.host, (err) => settle(err ? `${name}: ${err.message}` : undefined));
    });
  }

  async #open(): Promise<void> {
    this.#setState({ status: 'starting' });
    const socket = createSocket(isIPv6(this.#bind.host) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.#bind.port, this.#bind.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      this.#counters.errors++;
      this.#down('port-error', err);
      return;
    }
    if (this.#stopping) {
      socket.close(); // stop() came while binding; it waits for us and reports 'stopped'
      return;
    }
    socket.on('message', (msg, rinfo) => this.#receive(msg, rinfo));
    socket.on('error', (err) => {
      // Not expected once bound (send errors come to their callbacks); report it and let the
      // supervisor restart the link.
      this.#counters.errors++;
      void this.#release(err.message);
      this.#down('read-error', err);
    });
    this.#socket = socket;
    this.#setState({ status: 'up', since: Date.now() });
    this.#log?.info({ link: this.id, address: this.address() }, 'udp link up');
    this.#loggedDown = undefined;
  }

  async #close(): Promise<void> {
    await this.#starting;
    await this.#release('link stopped before the datagram left');
    this.#setState({ status: 'down', reason: 'stopped', since: Date.now() });
  }

  /** Closes the socket, if open, and settles the sends still waiting for it. */
  async #release(why: string): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    for (const settle of [...this.#inFlight]) settle(why);
  }

  #receive(msg: Buffer, rinfo: RemoteInfo): void {
    const name = this.#names.get(key(rinfo.address, rinfo.port));
    const from = name ?? endpoint(rinfo.address, rinfo.port);
    if (name === undefined) {
      this.#counters.rxUnknown++;
      this.#log?.debug({ link: this.id, from, bytes: msg.byteLength }, 'frame from an unknown sender');
    }
    this.#counters.rxFrames++;
    this.#counters.rxBytes += msg.byteLength;
    // A plain Uint8Array of its own: no Buffer semantics and no memory shared with dgram.
    const bytes = new Uint8Array(msg);
    this.emit('frame', { link: this.id, bytes, receivedAt: Date.now(), meta: { from } });
  }

  #down(reason: LinkDownReason, err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err);
    // A supervisor retrying start() against the same error must not fill the log: warn once.
    if (detail !== this.#loggedDown) this.#log?.warn({ link: this.id, err, reason }, 'udp link down');
    this.#loggedDown = detail;
    this.#setState({ status: 'down', reason, detail, since: Date.now() });
  }

  /** Emits only on a change of status (or of reason, when down). */
  #setState(next: LinkState): void {
    const k = (s: LinkState) => (s.status === 'down' ? `down/${s.reason}` : s.status);
    if (k(next) === k(this.#state)) return;
    this.#state = next;
    this.emit('state', next);
  }
}

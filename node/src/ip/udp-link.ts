/**
 * A real IP link over UDP, node:dgram (docs/links.md §The link contract; docs/conventions.md §Links). One datagram
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
import { isIPv6 } from 'node:net';
import { show } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { LinkCounters, SendOptions, SendOutcome } from '../link/link.js';
import { describeState, failed, LinkBase } from '../link/link-base.js';

/** An IP address (or, for binding, a local interface address) and a UDP port. */
export interface UdpEndpoint {
  host: string;
  port: number;
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
  log?: Logger;
}

/** {@link LinkCounters} plus datagrams received from senders that are not configured peers. */
export interface UdpLinkCounters extends LinkCounters {
  rxUnknown: number;
}

const MAX_UDP_PAYLOAD = 65_507; // 65535 − 20 (IPv4 header) − 8 (UDP header)

const key = (host: string, port: number): string => `${host.toLowerCase()}|${port}`;
const endpoint = (host: string, port: number): string =>
  isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;

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
export class UdpLink extends LinkBase<UdpLinkCounters> {
  readonly kind = 'ip' as const;
  readonly #bind: UdpEndpoint;
  readonly #peers: Map<string, UdpEndpoint>;
  /** key(host, port) → peer name, to name the sender of an inbound datagram. */
  readonly #names: Map<string, string>;
  #socket: Socket | undefined;
  /** Datagrams handed to dgram whose callback has not come yet: closing the socket settles them. */
  readonly #inFlight = new Set<(error: string) => void>();
  #rxUnknown = 0;

  constructor(opts: UdpLinkOptions) {
    const mtu = opts.mtu ?? 1200;
    if (!Number.isInteger(mtu) || mtu < 1 || mtu > MAX_UDP_PAYLOAD) {
      throw new RangeError(`mtu must be an integer 1..${MAX_UDP_PAYLOAD}, got ${show(mtu)}`);
    }
    checkEndpoint('bind', opts.bind, 0);
    for (const [name, peer] of Object.entries(opts.peers)) checkEndpoint(`peer ${name}`, peer, 1);
    super({ id: opts.id, mtu, name: 'udp', log: opts.log });
    this.#bind = { ...opts.bind };
    this.#peers = new Map(Object.entries(opts.peers).map(([name, p]) => [name, { ...p }]));
    this.#names = new Map([...this.#peers].map(([name, p]) => [key(p.host, p.port), name]));
  }

  /** The bound local address while the socket is open (the real port when `bind.port` was 0). */
  address(): UdpEndpoint | undefined {
    const a = this.#socket?.address();
    return a && { host: a.address, port: a.port };
  }

  protected override extraCounters(): Partial<UdpLinkCounters> {
    return { rxUnknown: this.#rxUnknown };
  }

  /**
   * Sends one datagram to peer `opts.to`, or one to each peer without it; ok once the kernel has
   * them all. An unknown peer name resolves DEVICE_ERROR with retry 'never'.
   */
  protected async transmit(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    const socket = this.#socket;
    if (socket === undefined) return failed('later', 'LINK_DOWN', describeState(this.state));
    const { to } = opts;
    const peer = to === undefined ? undefined : this.#peers.get(to);
    if (to !== undefined && peer === undefined)
      return failed('never', 'DEVICE_ERROR', `no peer named ${show(to)}`);
    const targets: [string, UdpEndpoint][] = to !== undefined && peer ? [[to, peer]] : [...this.#peers];
    if (targets.length === 0) return failed('never', 'NO_SERVICE', 'no peers configured');

    // dgram resolves the address first and reads the bytes a tick after send() returns: the
    // skeleton handed us a copy of our own.
    const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    const errors = await Promise.all(targets.map(([name, p]) => this.#datagram(socket, bytes, name, p)));
    const failures = errors.filter((e) => e !== undefined);
    if (failures.length === 0) return { ok: true };
    return failed('later', 'DEVICE_ERROR', failures.join('; '));
  }

  /** Sends one datagram; resolves undefined once the kernel has it, or an error description. */
  #datagram(socket: Socket, bytes: Buffer, name: string, to: UdpEndpoint): Promise<string | undefined> {
    return new Promise((resolve) => {
      // dgram never calls back if the socket closes before the send leaves: close() settles these.
      const settle = (error: string | undefined) => {
        if (!this.#inFlight.delete(onClose)) return;
        resolve(error);
      };
      const onClose = (error: string) => settle(`${name}: ${error}`);
      this.#inFlight.add(onClose);
      socket.send(bytes, to.port, to.host, (err) => settle(err ? `${name}: ${err.message}` : undefined));
    });
  }

  /**
   * Binds and goes up; on a bind error (EADDRINUSE, EACCES, EADDRNOTAVAIL) the link goes down
   * ('port-error') and start() resolves: the supervisor tries again later.
   */
  protected async open(): Promise<void> {
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
      this.stats.errors++;
      this.goDown('port-error', err instanceof Error ? err.message : String(err), err);
      return;
    }
    if (this.closed) {
      socket.close(); // stop() came while binding; it waits for us and reports 'stopped'
      return;
    }
    socket.on('message', (msg, rinfo) => this.#receive(msg, rinfo));
    socket.on('error', (err) => {
      // Not expected once bound (send errors come to their callbacks); report it and let the
      // supervisor restart the link.
      this.stats.errors++;
      void this.#release(err.message);
      this.goDown('read-error', err.message, err);
    });
    this.#socket = socket;
    this.goUp({ address: this.address() });
  }

  protected close(): Promise<void> {
    return this.#release('link stopped before the datagram left');
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
      this.#rxUnknown++;
      this.log.debug({ link: this.id, from, bytes: msg.byteLength }, 'frame from an unknown sender');
    }
    // A plain Uint8Array of its own: no Buffer semantics and no memory shared with dgram.
    this.received(new Uint8Array(msg), { from });
  }
}

/**
 * The one link skeleton (docs/links.md §The link skeleton): what every link does the same way, so
 * that the adapters differ only in their medium. A link extends {@link LinkBase} and writes three
 * hooks: {@link LinkBase.open} (take the device or socket and go up or down), {@link LinkBase.close}
 * (release it) and {@link LinkBase.transmit} (send one frame that has passed the guards).
 *
 * The skeleton owns:
 * - the state, emitted only when its status (or, when down, its reason) changes, after `state` has
 *   been updated;
 * - logging: up once per transition (info), down once per distinct reason until the link is up
 *   again (warn), so a supervisor retrying against the same fault does not fill the log. The
 *   logger is bound to the link's id once, here; a down line with an error carries the error, not
 *   its message again as `detail`;
 * - start() and stop(): start() while starting joins the attempt under way, while up does nothing;
 *   stop() is idempotent and final, waits for a start under way, and ends in down/'stopped';
 * - the send guards, the same on every link: not a Uint8Array → TypeError; empty → RangeError (the
 *   core never sends an empty frame: one is a bug, not a field failure); after stop() → KitError
 *   LINK_CLOSED; an aborted signal → its reason; over `mtu` → TOO_LARGE, retry 'never'; not up →
 *   LINK_DOWN, retry 'later'. The frame is copied before the hook sees it: the caller may reuse its
 *   array as soon as send() returns;
 * - counters: a frame and its bytes once per successful send and per frame handed on, an error per
 *   failed send other than a refusal (LINK_DOWN, BUSY).
 *
 * Links report, supervisors retry: no link reopens itself after going down; the supervisor calls
 * start() again (node/src/daemon/link-supervisor.ts).
 */
import { EventEmitter } from 'node:events';
import { KitError } from '../base/errors.js';
import { type Logger, silentLogger } from '../base/logger.js';
import type {
  FrameMeta,
  Link,
  LinkCapabilities,
  LinkCounters,
  LinkDownReason,
  LinkEvents,
  LinkFailureCode,
  LinkKind,
  LinkState,
  SendOptions,
  SendOutcome,
} from './link.js';

/** What every link is built with. */
export interface LinkBaseOptions {
  /** Link id from configuration, e.g. "mesh0", "sbd0". */
  id: string;
  /** Largest frame sent in one piece, bytes: a positive integer. */
  mtu: number;
  /** Names the link's kind in its log lines, e.g. "meshtastic", "udp". */
  name: string;
  /** Lifecycle lines (up, down) and whatever the adapter logs; bound to `link: id` here. Default: none. */
  log?: Logger | undefined;
  /** Unix ms for `since` and `receivedAt`. Default Date.now. */
  now?: (() => number) | undefined;
}

/** A failed outcome: the one way links spell them. */
export function failed(retry: 'later' | 'never', code: LinkFailureCode, detail: string): SendOutcome {
  return { ok: false, retry, code, detail };
}

/** "up", "starting", or "down: reason (detail)", for outcomes and log lines. */
export function describeState(s: LinkState): string {
  if (s.status !== 'down') return s.status;
  return `down: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`;
}

const stateKey = (s: LinkState): string => (s.status === 'down' ? `down/${s.reason}` : s.status);

/** The skeleton of every link: state, lifecycle, guards and counters. See the module comment. */
export abstract class LinkBase<C extends LinkCounters = LinkCounters>
  extends EventEmitter<LinkEvents>
  implements Link
{
  readonly id: string;
  abstract readonly kind: LinkKind;
  protected readonly log: Logger;
  protected readonly now: () => number;
  /** The counters; an adapter with more than the contract's adds them in {@link extraCounters}. */
  protected readonly stats: LinkCounters = { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0 };
  readonly #name: string;
  #mtu: number;
  #state: LinkState;
  /** The down reason last logged, until the link is up again. */
  #loggedDown: LinkDownReason | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** Aborted by stop(): ends an opening under way at once instead of waiting for its timeouts. */
  readonly #closing = new AbortController();

  constructor(opts: LinkBaseOptions) {
    super();
    if (typeof opts.id !== 'string' || opts.id === '') throw new TypeError('id must be a non-empty string');
    if (!Number.isSafeInteger(opts.mtu) || opts.mtu < 1)
      throw new RangeError(`mtu must be a positive integer, got ${opts.mtu}`);
    this.id = opts.id;
    this.#mtu = opts.mtu;
    this.#name = opts.name;
    // Bound here, once: every line of the link names it, whoever made its logger.
    this.log = (opts.log ?? silentLogger).child({ link: opts.id });
    this.now = opts.now ?? Date.now;
    this.#state = { status: 'down', reason: 'stopped', since: this.now() };
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Largest frame sent in one piece, bytes. */
  get mtu(): number {
    return this.#mtu;
  }

  /**
   * For a link that learns its medium's limit from the device (a BeiDou card's level, read when it
   * opens, or a card that refuses less than its level says: docs/beidou.md §Message size): the new
   * mtu, a positive integer. The core reads `mtu` each time it packs or cuts a frame.
   */
  protected setMtu(mtu: number): void {
    if (!Number.isSafeInteger(mtu) || mtu < 1)
      throw new RangeError(`mtu must be a positive integer, got ${mtu}`);
    this.#mtu = mtu;
  }

  /** Defaults: receives what it sends, costs nothing, confirmations come at once, not shared. */
  get capabilities(): LinkCapabilities {
    return {
      maxSendBytes: this.mtu,
      maxReceiveBytes: this.mtu,
      minSendIntervalMs: 0,
      confirmationWaitMs: 0,
      sharedMedium: false,
    };
  }

  /** True from the first stop() on. */
  protected get closed(): boolean {
    return this.#stopping !== undefined;
  }

  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.closed) throw new KitError('LINK_CLOSED', `link ${this.id} was stopped`);
    if (this.#starting) return this.#starting;
    if (this.#state.status === 'up') return;
    const abort =
      signal === undefined ? this.#closing.signal : AbortSignal.any([signal, this.#closing.signal]);
    this.#starting = this.#attempt(abort, signal).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#closing.abort(new KitError('LINK_CLOSED', `link ${this.id} stopped`));
      await this.#starting?.catch(() => {});
      try {
        await this.close();
      } finally {
        this.#setState({ status: 'down', reason: 'stopped', since: this.now() });
      }
    })();
    return this.#stopping;
  }

  async send(frame: Uint8Array, opts: SendOptions = {}): Promise<SendOutcome> {
    if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
    if (frame.length === 0) throw new RangeError(`link ${this.id}: an empty frame is not a frame`);
    if (this.closed) throw new KitError('LINK_CLOSED', `send on stopped link ${this.id}`);
    opts.signal?.throwIfAborted();
    if (frame.length > this.mtu) return failed('never', 'TOO_LARGE', `${frame.length} > ${this.mtu} bytes`);
    if (this.#state.status !== 'up') return failed('later', 'LINK_DOWN', describeState(this.#state));
    const outcome = await this.transmit(frame.slice(), opts);
    if (outcome.ok) {
      this.stats.txFrames++;
      this.stats.txBytes += frame.length;
    } else if (outcome.code !== 'LINK_DOWN' && outcome.code !== 'BUSY') {
      this.stats.errors++;
    }
    return outcome;
  }

  counters(): Readonly<C> {
    return { ...this.stats, ...this.extraCounters() } as C;
  }

  /**
   * Takes the device or socket and ends with {@link goUp} or {@link goDown}; may throw. `signal` is
   * aborted when the caller of start() gives up or stop() is called: an opening that waits on the
   * device (a handshake, a modem's power-up) ends then.
   */
  protected abstract open(signal: AbortSignal): Promise<void>;
  /** Releases whatever {@link open} took and settles the sends under way; called once, by stop(). */
  protected abstract close(): Promise<void>;
  /** Sends one frame that passed the guards (a copy, 1..mtu bytes, link up). */
  protected abstract transmit(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome>;

  /** Counters beyond the contract's, merged into {@link counters}. */
  protected extraCounters(): Partial<C> {
    return {};
  }

  /** The link is up: emitted and logged once per transition. */
  protected goUp(fields: Record<string, unknown> = {}): void {
    if (this.closed) return;
    const wasUp = this.#state.status === 'up';
    this.#setState({ status: 'up', since: this.now() });
    this.#loggedDown = undefined;
    if (!wasUp) this.log.info(fields, `${this.#name} link up`);
  }

  /**
   * The link is down for `reason`: emitted on a change of reason, logged once per distinct reason
   * until it is up again. Ignored once stop() was called (stop() ends in down/'stopped').
   */
  protected goDown(reason: LinkDownReason, detail?: string, err?: unknown): void {
    if (this.closed) return;
    if (this.#loggedDown !== reason) {
      // The error says its message itself: `detail` only when it says something more.
      const saysDetail = err instanceof Error && err.message === detail;
      this.log.warn(
        {
          reason,
          ...(detail === undefined || saysDetail ? {} : { detail }),
          ...(err === undefined ? {} : { err }),
        },
        `${this.#name} link down`,
      );
      this.#loggedDown = reason;
    }
    this.#setState({
      status: 'down',
      reason,
      ...(detail === undefined ? {} : { detail }),
      since: this.now(),
    });
  }

  /** Hands one inbound frame on to the core, counted. */
  protected received(bytes: Uint8Array, meta: FrameMeta, receivedAt = this.now()): void {
    this.stats.rxFrames++;
    this.stats.rxBytes += bytes.length;
    this.emit('frame', { link: this.id, bytes, receivedAt, meta });
  }

  async #attempt(signal: AbortSignal, callers: AbortSignal | undefined): Promise<void> {
    this.#setState({ status: 'starting' });
    try {
      await this.open(signal);
      callers?.throwIfAborted();
    } catch (err) {
      if (this.closed) return; // stop() ended the opening: it reports 'stopped'
      if (callers?.aborted && err === callers.reason) {
        this.goDown('port-error', 'start aborted');
        throw err;
      }
      // A fault opening the device is a state, not an exception: the supervisor starts it again.
      this.stats.errors++;
      this.goDown('port-error', err instanceof Error ? err.message : String(err), err);
    }
    if (this.#state.status === 'starting') this.goDown('port-error', 'open ended without going up');
  }

  /** Emits only on a change of status (or of reason, when down). */
  #setState(next: LinkState): void {
    if (stateKey(next) === stateKey(this.#state)) return;
    this.#state = next;
    this.emit('state', next);
  }
}

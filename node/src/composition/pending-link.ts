/**
 * A configured link that could not be built, in its place until it can be (docs/centre-doors.md
 * §A link that cannot start; docs/links.md §Supervision). A link is built from its configuration
 * and what the machine holds: a key file, credentials in the environment. When that fails (a
 * verify key file missing, a key refused), the link must not vanish from the node: the core routes
 * to it and the store keeps what is due on it, `fieldnode status` shows it down with the reason,
 * and the supervisor starts it again, after its backoff, like any link that is down.
 *
 * So this stands in for it: down with `config-mismatch` and the error as the detail, logged once
 * per distinct error. Each start() builds the link again; once that succeeds, the link built is
 * started and everything goes to it: its state, frames, sends, counters and capabilities, and the
 * link contract's optional parts the core looks for (send window, extra billing, send
 * opportunities, time, own address, taking a frame back).
 *
 * The core asks a link for some of its optional parts once, when it is made or started: so this
 * offers them from the start (the time only for a kind of link that may tell it), and answers for
 * a link built without one as a link that has nothing to say (no extra units, no send
 * opportunity, no time, no address). The send window, which the core asks for each time, is
 * offered once the link built has one.
 */
import { EventEmitter } from 'node:events';
import { isKitError, KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import {
  hasExtraBilling,
  hasSelfAddress,
  hasSendOpportunities,
  hasSendWindow,
  hasTimeSource,
  type Link,
  type LinkCapabilities,
  type LinkCounters,
  type LinkEvents,
  type LinkKind,
  type LinkState,
  type SendOptions,
  type SendOutcome,
  type TimeSource,
  takesBack,
} from '../link/link.js';
import { describeState, failed } from '../link/link-base.js';

export interface PendingLinkOptions {
  id: string;
  /** The kind the link will have (from its configured type). */
  kind: LinkKind;
  /** The frame size to declare until the link is built, bytes. */
  mtu: number;
  /** Declare billing per 50 bytes until the link is built (a satellite link): nothing is routed to it as if it were free. */
  billed: boolean;
  /** Builds the link; throws while it cannot. */
  build: () => Promise<Link>;
  /** Why the first build failed. */
  error: unknown;
  /**
   * The link built may tell the time (a radio's GPS, a modem's Iridium time): offer TimeSource,
   * which the core looks for once, at start. Default true.
   */
  tellsTime?: boolean;
  /** Bound to the link's id by the caller. */
  log: Logger;
  /** Unix ms. Default Date.now. */
  now?: () => number;
}

/** A link still to be built. See the module comment. */
export class PendingLink extends EventEmitter<LinkEvents> implements Link {
  readonly id: string;
  readonly kind: LinkKind;
  readonly #o: PendingLinkOptions;
  readonly #now: () => number;
  #state: LinkState;
  #inner: Link | undefined;
  #building: Promise<Link | undefined> | undefined;
  #stopped = false;
  #lastError: string | undefined;
  /** Builds that failed, the first (before this was made) included. */
  #failures = 1;
  readonly #extraUnits = new Set<(units: number) => void>();
  readonly #opportunities = new Set<() => Promise<void>>();
  /** What stops the inner link's reports to the listeners above. */
  readonly #unsubscribe = new Map<unknown, () => void>();

  constructor(opts: PendingLinkOptions) {
    super();
    this.id = opts.id;
    this.kind = opts.kind;
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#state = this.#down(opts.error);
    this.#logFailure(opts.error);
    if (opts.tellsTime !== false)
      this.networkTime = async () => {
        const inner = this.#inner;
        return inner && hasTimeSource(inner) ? inner.networkTime() : undefined;
      };
  }

  /** The link built, once it is. */
  get built(): Link | undefined {
    return this.#inner;
  }

  get state(): LinkState {
    return this.#inner?.state ?? this.#state;
  }

  get mtu(): number {
    return this.#inner?.mtu ?? this.#o.mtu;
  }

  get capabilities(): LinkCapabilities {
    if (this.#inner) return this.#inner.capabilities;
    return {
      maxSendBytes: this.#o.mtu,
      maxReceiveBytes: this.#o.mtu,
      minSendIntervalMs: 0,
      confirmationWaitMs: 0,
      sharedMedium: false,
      ...(this.#o.billed ? { billing: { unitBytes: 50, minUnits: 1 } } : {}),
    };
  }

  /** The link contract's TakesBack, when the link built has it. */
  get takesBack(): true | undefined {
    return this.#inner !== undefined && takesBack(this.#inner) ? true : undefined;
  }

  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#stopped) throw new KitError('LINK_CLOSED', `link ${this.id} was stopped`);
    if (this.#inner === undefined && this.#building === undefined)
      this.#building = this.#build().finally(() => {
        this.#building = undefined;
      });
    const inner = this.#inner ?? (await this.#building);
    if (inner === undefined || this.#stopped) return; // still down: the supervisor tries again
    await inner.start(signal);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#building;
    for (const stop of this.#unsubscribe.values()) stop();
    if (this.#inner) {
      await this.#inner.stop();
      return;
    }
    this.#setState({ status: 'down', reason: 'stopped', since: this.#now() });
  }

  async send(frame: Uint8Array, opts: SendOptions = {}): Promise<SendOutcome> {
    if (this.#inner) return this.#inner.send(frame, opts);
    if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
    if (frame.length === 0) throw new RangeError(`link ${this.id}: an empty frame is not a frame`);
    if (this.#stopped) throw new KitError('LINK_CLOSED', `send on stopped link ${this.id}`);
    opts.signal?.throwIfAborted();
    return failed('later', 'LINK_DOWN', describeState(this.#state));
  }

  counters(): Readonly<LinkCounters> {
    return (
      this.#inner?.counters() ?? { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: this.#failures }
    );
  }

  /** ExtraBilling: the link built reports its extra units here, if it has any. */
  onExtraUnits(listener: (units: number) => void): () => void {
    this.#extraUnits.add(listener);
    const inner = this.#inner;
    if (inner && hasExtraBilling(inner)) this.#unsubscribe.set(listener, inner.onExtraUnits(listener));
    return () => this.#forget(this.#extraUnits, listener);
  }

  /** SendOpportunities: the link built offers its own sends here, if it makes any. */
  onSendOpportunity(listener: () => Promise<void>): () => void {
    this.#opportunities.add(listener);
    const inner = this.#inner;
    if (inner && hasSendOpportunities(inner))
      this.#unsubscribe.set(listener, inner.onSendOpportunity(listener));
    return () => this.#forget(this.#opportunities, listener);
  }

  /** TimeSource, for a link whose kind may tell the time: the link built's time, if it tells one. */
  readonly networkTime?: TimeSource['networkTime'];

  /** SelfAddress: the link built's own address, if it has one. */
  selfAddress(): string | undefined {
    const inner = this.#inner;
    return inner && hasSelfAddress(inner) ? inner.selfAddress() : undefined;
  }

  #forget<T>(set: Set<T>, listener: T): void {
    set.delete(listener);
    this.#unsubscribe.get(listener)?.();
    this.#unsubscribe.delete(listener);
  }

  async #build(): Promise<Link | undefined> {
    let inner: Link;
    try {
      inner = await this.#o.build();
    } catch (err) {
      this.#failures++;
      this.#logFailure(err);
      this.#setState(this.#down(err));
      return undefined;
    }
    if (this.#stopped) {
      await inner.stop();
      return undefined;
    }
    this.#inner = inner;
    inner.on('state', (s) => this.emit('state', s));
    inner.on('frame', (f) => this.emit('frame', f));
    for (const l of this.#extraUnits)
      if (hasExtraBilling(inner)) this.#unsubscribe.set(l, inner.onExtraUnits(l));
    for (const l of this.#opportunities)
      if (hasSendOpportunities(inner)) this.#unsubscribe.set(l, inner.onSendOpportunity(l));
    // The core asks for a send window on every round, so it is offered only when there is one.
    if (hasSendWindow(inner)) Object.defineProperty(this, 'sendWindow', { value: () => inner.sendWindow() });
    this.#o.log.info({ attempts: this.#failures + 1 }, 'link built: its configuration can be used now');
    return inner;
  }

  #down(err: unknown): LinkState {
    return { status: 'down', reason: 'config-mismatch', detail: errorText(err), since: this.#now() };
  }

  #logFailure(err: unknown): void {
    const text = errorText(err);
    if (text === this.#lastError) return;
    this.#lastError = text;
    // The error once, in `err` (its code, message and causes), not again in the message.
    this.#o.log.error({ err }, 'link cannot be built, so it is down; it is tried again');
  }

  #setState(state: LinkState): void {
    const before = this.#state;
    this.#state = state;
    const same =
      before.status === state.status &&
      (state.status !== 'down' ||
        (before.status === 'down' && before.reason === state.reason && before.detail === state.detail));
    if (!same) this.emit('state', state);
  }
}

/** An error as the status shows it: its code and message. */
function errorText(err: unknown): string {
  if (isKitError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

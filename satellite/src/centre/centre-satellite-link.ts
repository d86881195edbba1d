/**
 * What the county centre's two satellite links have in common (protocols/iridium.md §7.5;
 * DESIGN.md "The link contract"): the RockBLOCK web services (rockblock-link.ts, §2) and DirectIP
 * (directip-link.ts, §3) differ only in how a frame comes in and how one MT message goes out.
 *
 * - State and counters; start() and stop() around the ingress server (the push receiver or the
 *   MO server): `accepting` only while up, so the network keeps deliveries for later instead of
 *   handing them to nobody, and its listening socket from start() to stop() when `listen` is set.
 * - Inbound: a subclass hands each new frame on through {@link CentreSatelliteLink.handOn},
 *   `meta.from` the kit's IMEI.
 * - Outbound: `send(frame, { to: imei })`, or without `to` to each default IMEI, one MT message
 *   per IMEI through the subclass's {@link CentreSatelliteLink.sendTo}; ok only if every IMEI's
 *   was, ref their refs joined by commas.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { KitError, show } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import type {
  Link,
  LinkCapabilities,
  LinkCounters,
  LinkDownReason,
  LinkEvents,
  LinkFailureCode,
  LinkState,
  SendOptions,
  SendOutcome,
} from '../../../node/src/link/link.js';
import { IRIDIUM_BILLING, MAX_MO_BYTES } from '../iridium-limits.js';
import { SATELLITE_CONFIRMATION_WAIT_MS, SATELLITE_RECEIPT_HOLD_MS } from '../satellite-confirmations.js';

/** The centre's receiving server: RockblockPushReceiver or DirectIpMoServer. */
export interface CentreIngress {
  /** While false, deliveries are refused and the network keeps them for later. */
  accepting: boolean;
  listen(port: number, host: string): Promise<unknown>;
  /** Stops listening; a no-op when not listening. */
  close(): Promise<void>;
  address(): AddressInfo | undefined;
}

/** What both centre links are configured with. */
export interface CentreLinkOptions {
  /** Link id from configuration, e.g. "rockblock0" or "directip0". */
  id: string;
  /** The IMEIs a send without `to` goes to (the kits' modems); 15 digits each. */
  defaultImeis?: readonly string[];
  log?: Logger;
}

export interface CentreSatelliteLinkOptions extends CentreLinkOptions {
  /** Names the link in its log lines: "rockblock", "directip". */
  name: string;
  /** Largest MT frame. */
  mtu: number;
  ingress: CentreIngress;
  /** Where the ingress listens from start() to stop(); omit when it is served elsewhere. */
  listen?: { host: string; port: number } | undefined;
}

const IMEI = /^\d{15}$/;

export function failed(retry: 'later' | 'never', code: LinkFailureCode, detail: string): SendOutcome {
  return { ok: false, retry, code, detail };
}

type Failure = SendOutcome & { ok: false };

/** A centre satellite link (kind 'iridium-sbd'). stop() is final. */
export abstract class CentreSatelliteLink extends EventEmitter<LinkEvents> implements Link {
  readonly id: string;
  readonly kind = 'iridium-sbd' as const;
  readonly mtu: number;
  readonly #name: string;
  readonly #ingress: CentreIngress;
  readonly #listen: { host: string; port: number } | undefined;
  readonly #defaults: readonly string[];
  readonly #log: Logger;
  readonly #aborts = new AbortController();
  #state: LinkState = { status: 'down', reason: 'stopped', since: Date.now() };
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #listening = false;
  readonly #counters: LinkCounters = { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0 };

  constructor(opts: CentreSatelliteLinkOptions) {
    super();
    for (const imei of opts.defaultImeis ?? []) {
      if (!IMEI.test(imei)) throw new RangeError(`default IMEI ${show(imei)} is not 15 digits`);
    }
    this.id = opts.id;
    this.mtu = opts.mtu;
    this.#name = opts.name;
    this.#ingress = opts.ingress;
    this.#listen = opts.listen;
    this.#defaults = [...(opts.defaultImeis ?? [])];
    this.#log = opts.log ?? silentLogger;
    this.#ingress.accepting = false;
  }

  /**
   * Billed per 50 bytes. An MT message waits at Iridium for the kit's next session, and a copy sent
   * meanwhile is billed again when it is delivered: the core waits for the kit's confirmation
   * first. Every MT costs a credit and a mailbox check: receipts wait to share one.
   */
  get capabilities(): LinkCapabilities {
    return {
      maxSendBytes: this.mtu,
      maxReceiveBytes: MAX_MO_BYTES,
      billing: IRIDIUM_BILLING,
      minSendIntervalMs: 0,
      confirmationWaitMs: SATELLITE_CONFIRMATION_WAIT_MS,
      receiptHoldMs: SATELLITE_RECEIPT_HOLD_MS,
      sharedMedium: false,
    };
  }

  /** Starts handing the ingress server's new frames to {@link handOn}. */
  protected abstract subscribe(): void;
  /** Stops what {@link subscribe} started. */
  protected abstract unsubscribe(): void;
  /** Sends one MT message to one IMEI; expected failures are outcomes, the detail led by the IMEI. */
  protected abstract sendTo(
    imei: string,
    bytes: Uint8Array,
    opts: SendOptions,
    signal: AbortSignal,
  ): Promise<SendOutcome>;

  get state(): LinkState {
    return this.#state;
  }

  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#stopping) throw new KitError('LINK_CLOSED', `link ${this.id} was stopped`);
    if (this.#state.status === 'up') return;
    this.#starting ??= this.#open().finally(() => {
      this.#starting = undefined;
    });
    await this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#close();
    return this.#stopping;
  }

  async send(frame: Uint8Array, opts: SendOptions = {}): Promise<SendOutcome> {
    if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
    if (this.#stopping) throw new KitError('LINK_CLOSED', `send on stopped link ${this.id}`);
    opts.signal?.throwIfAborted();
    if (frame.length > this.mtu) return failed('never', 'TOO_LARGE', `${frame.length} > ${this.mtu}`);
    if (frame.length === 0) return failed('never', 'NACK', 'an empty frame is not an MT message');
    if (this.#state.status !== 'up') return failed('later', 'LINK_DOWN', describe(this.#state));
    const targets = opts.to !== undefined ? [opts.to] : this.#defaults;
    if (targets.length === 0) return failed('never', 'NO_SERVICE', 'no IMEI given and no default configured');
    const bad = targets.find((imei) => !IMEI.test(imei));
    if (bad !== undefined) return failed('never', 'DEVICE_ERROR', `${show(bad)} is not an IMEI`);

    const bytes = Uint8Array.from(frame); // the caller may reuse its array once we return
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.#aborts.signal]) : this.#aborts.signal;
    const results = await Promise.all(targets.map((imei) => this.sendTo(imei, bytes, opts, signal)));
    const failures = results.filter((r): r is Failure => !r.ok);
    if (failures.length === 0) {
      this.#counters.txFrames++;
      this.#counters.txBytes += bytes.length;
      return { ok: true, ref: results.map((r) => (r.ok ? r.ref : '')).join(',') };
    }
    this.#counters.errors += failures.length;
    // Several targets: retry 'later' if any may still succeed; the receiving kits deduplicate.
    const worst = failures.find((f) => f.retry === 'later') ?? (failures[0] as Failure);
    return failed(worst.retry, worst.code, failures.map((f) => f.detail).join('; '));
  }

  counters(): Readonly<LinkCounters> {
    return { ...this.#counters };
  }

  /** Hands one inbound frame from the kit `from` (its IMEI) on to the core. */
  protected handOn(bytes: Uint8Array, receivedAt: number, from: string): void {
    this.#counters.rxFrames++;
    this.#counters.rxBytes += bytes.length;
    this.emit('frame', { link: this.id, bytes, receivedAt, meta: { from } });
  }

  async #open(): Promise<void> {
    this.#setState({ status: 'starting' });
    if (this.#listen && !this.#listening) {
      try {
        await this.#ingress.listen(this.#listen.port, this.#listen.host);
        this.#listening = true;
      } catch (err) {
        this.#counters.errors++;
        this.#down('port-error', err);
        return;
      }
    }
    if (this.#stopping) return;
    this.subscribe();
    this.#ingress.accepting = true;
    this.#setState({ status: 'up', since: Date.now() });
    this.#log.info({ link: this.id, address: this.#ingress.address() }, `${this.#name} link up`);
  }

  async #close(): Promise<void> {
    await this.#starting;
    this.#ingress.accepting = false;
    // What was acknowledged just before is handed on in the next turn: take it before leaving.
    await new Promise((resolve) => setImmediate(resolve));
    this.unsubscribe();
    this.#aborts.abort();
    if (this.#listening) await this.#ingress.close();
    this.#listening = false;
    this.#setState({ status: 'down', reason: 'stopped', since: Date.now() });
  }

  #down(reason: LinkDownReason, err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err);
    this.#log.warn({ link: this.id, reason, err }, `${this.#name} link down`);
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

const describe = (s: LinkState): string => (s.status === 'down' ? `down: ${s.reason}` : s.status);

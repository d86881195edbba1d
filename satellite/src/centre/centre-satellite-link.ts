/**
 * What the county centre's two satellite links have in common (docs/iridium.md §7.5; docs/links.md
 * §The centre's satellite ingress, §The link skeleton): the RockBLOCK web services
 * (rockblock-link.ts, §2) and DirectIP (directip-link.ts, §3) differ only in how a frame comes in
 * and how one MT message goes out. State, counters, start()/stop() and the send guards are the
 * skeleton's (LinkBase); this adds:
 *
 * - the ingress server (the push receiver or the MO server): `accepting` only while up, so the
 *   network keeps deliveries for later instead of handing them to nobody, and its listening socket
 *   from start() to stop() when `listen` is set (a port that cannot be had: down, 'port-error');
 * - inbound: a subclass hands every payload on with the skeleton's `received()`, `meta.from` the
 *   kit's IMEI and `meta.source` what the carrier said of it; the core tells fieldnode frames from
 *   other traffic;
 * - outbound: `send(frame, { to: imei })`, or without `to` to each default IMEI, one MT message per
 *   IMEI through the subclass's {@link CentreSatelliteLink.sendTo}; ok only if every IMEI's was, ref
 *   their refs joined by commas. Counted once per send, as on every link.
 */
import type { AddressInfo } from 'node:net';
import { show } from '../../../node/src/base/errors.js';
import type { Logger } from '../../../node/src/base/logger.js';
import type { LinkCapabilities, SendOptions, SendOutcome } from '../../../node/src/link/link.js';
import { failed, LinkBase } from '../../../node/src/link/link-base.js';
import { iridiumCapabilities } from '../iridium-limits.js';
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
  /**
   * How long receipts to a kit wait to share an MT message, per priority, and how long the core
   * waits for a kit's confirmation before sending again, ms. Defaults:
   * satellite/src/satellite-confirmations.ts.
   */
  receiptHoldMs?: readonly [number, number, number, number];
  confirmationWaitMs?: number;
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

type Failure = SendOutcome & { ok: false };

/** A centre satellite link (kind 'iridium-sbd'). stop() is final. */
export abstract class CentreSatelliteLink extends LinkBase {
  readonly kind = 'iridium-sbd' as const;
  readonly #ingress: CentreIngress;
  readonly #listen: { host: string; port: number } | undefined;
  readonly #defaults: readonly string[];
  readonly #receiptHoldMs: readonly [number, number, number, number];
  readonly #confirmationWaitMs: number;
  /** Aborts the MT calls under way when the link stops. */
  readonly #aborts = new AbortController();
  #listening = false;

  constructor(opts: CentreSatelliteLinkOptions) {
    for (const imei of opts.defaultImeis ?? []) {
      if (!IMEI.test(imei)) throw new RangeError(`default IMEI ${show(imei)} is not 15 digits`);
    }
    super({ id: opts.id, mtu: opts.mtu, name: opts.name, log: opts.log });
    this.#ingress = opts.ingress;
    this.#listen = opts.listen;
    this.#defaults = [...(opts.defaultImeis ?? [])];
    this.#receiptHoldMs = opts.receiptHoldMs ?? SATELLITE_RECEIPT_HOLD_MS;
    this.#confirmationWaitMs = opts.confirmationWaitMs ?? SATELLITE_CONFIRMATION_WAIT_MS;
    this.#ingress.accepting = false;
  }

  /**
   * Billed per 50 bytes. An MT message waits at Iridium for the kit's next session, and a copy sent
   * meanwhile is billed again when it is delivered: the core waits for the kit's confirmation
   * first. Every MT costs a credit and a mailbox check: receipts wait to share one.
   */
  override get capabilities(): LinkCapabilities {
    return iridiumCapabilities({
      side: 'centre',
      maxSendBytes: this.mtu,
      confirmationWaitMs: this.#confirmationWaitMs,
      receiptHoldMs: this.#receiptHoldMs,
    });
  }

  /** Starts handing the ingress server's new payloads on with `received()`. */
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

  /** Listens, if the link owns the ingress socket, then accepts deliveries and goes up. */
  protected async open(): Promise<void> {
    if (this.#listen && !this.#listening) {
      await this.#ingress.listen(this.#listen.port, this.#listen.host); // a failure: 'port-error'
      this.#listening = true;
    }
    if (this.closed) return; // stop() came meanwhile; close() releases the socket
    this.subscribe();
    this.#ingress.accepting = true;
    this.goUp({ address: this.#ingress.address() });
  }

  protected async close(): Promise<void> {
    this.#ingress.accepting = false;
    // What was acknowledged just before is handed on in the next turn: take it before leaving.
    await new Promise((resolve) => setImmediate(resolve));
    this.unsubscribe();
    this.#aborts.abort();
    if (this.#listening) await this.#ingress.close();
    this.#listening = false;
  }

  protected async transmit(bytes: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    const targets = opts.to !== undefined ? [opts.to] : this.#defaults;
    if (targets.length === 0) return failed('never', 'NO_SERVICE', 'no IMEI given and no default configured');
    const bad = targets.find((imei) => !IMEI.test(imei));
    if (bad !== undefined) return failed('never', 'DEVICE_ERROR', `${show(bad)} is not an IMEI`);

    const signal = opts.signal ? AbortSignal.any([opts.signal, this.#aborts.signal]) : this.#aborts.signal;
    const results = await Promise.all(targets.map((imei) => this.sendTo(imei, bytes, opts, signal)));
    const failures = results.filter((r): r is Failure => !r.ok);
    if (failures.length === 0) return { ok: true, ref: results.map((r) => (r.ok ? r.ref : '')).join(',') };
    // Several targets: retry 'later' if any may still succeed; the receiving kits deduplicate.
    const worst = failures.find((f) => f.retry === 'later') ?? (failures[0] as Failure);
    return failed(worst.retry, worst.code, failures.map((f) => f.detail).join('; '));
  }
}

/**
 * The county centre's satellite link over the RockBLOCK web services (protocols/iridium.md §2,
 * §7.5; DESIGN.md "The link contract"): inbound frames are the verified MO pushes of the push
 * receiver, outbound frames are MT messages through the MT client.
 *
 * - Inbound: each new verified push with data is one frame, `meta.from` the kit's IMEI. Mailbox
 *   checks (no data) are not frames. Quarantined payloads are the receiver's `quarantine` events,
 *   for the daemon to persist; they never reach the core as frames.
 * - Outbound: `send(frame, { to: imei })`, or without `to` to each configured default IMEI. ok
 *   means Rock7 queued it (confirmation 1 of DESIGN.md: the satellite network took it), ref the
 *   mtId(s). The MT client retries network failures a bounded number of times; everything else
 *   is the supervisor's and the store's (links report, supervisors retry).
 * - While the link is not up the receiver answers 503, so Rock7 keeps pushes for later instead of
 *   handing them to nobody.
 * - With `listen`, the link owns an HTTP server for the receiver from start() to stop(); without,
 *   the daemon mounts `receiver.handle` in its own server.
 */
import { EventEmitter } from 'node:events';
import { KitError, show } from '../../../node/src/errors.js';
import type {
  Link,
  LinkCounters,
  LinkDownReason,
  LinkEvents,
  LinkFailureCode,
  LinkState,
  SendOptions,
  SendOutcome,
} from '../../../node/src/link/link.js';
import { type Logger, silentLogger } from '../../../node/src/log-types.js';
import { MAX_MT_BYTES, type RockblockMtClient } from '../rockblock/mt-client.js';
import { mtCodeMeaning, RockblockMtError } from '../rockblock/mt-response.js';
import type { ReceivedPush, RockblockPushReceiver } from '../rockblock/push-receiver.js';

export interface RockblockLinkOptions {
  /** Link id from configuration, e.g. "rockblock0". */
  id: string;
  /** The push receiver; the link turns its `accepting` on and off with its own state. */
  receiver: RockblockPushReceiver;
  /** Where the link's own push server listens; omit when `receiver.handle` is mounted elsewhere. */
  listen?: { host: string; port: number };
  mt: RockblockMtClient;
  /** The IMEIs a send without `to` goes to (the kits' RockBLOCKs). */
  defaultImeis?: readonly string[];
  log?: Logger;
}

const IMEI = /^\d{15}$/;

function failed(retry: 'later' | 'never', code: LinkFailureCode, detail: string): SendOutcome {
  return { ok: false, retry, code, detail };
}

/** The RockBLOCK web services as a Link (kind 'iridium-sbd'). stop() is final. */
export class RockblockLink extends EventEmitter<LinkEvents> implements Link {
  readonly id: string;
  readonly kind = 'iridium-sbd' as const;
  /** The MT limit; MO frames may be up to 340 bytes. */
  readonly mtu = MAX_MT_BYTES;
  readonly receiver: RockblockPushReceiver;
  readonly #listen: { host: string; port: number } | undefined;
  readonly #mt: RockblockMtClient;
  readonly #defaults: readonly string[];
  readonly #log: Logger;
  readonly #onPush: (push: ReceivedPush) => void;
  readonly #aborts = new AbortController();
  #state: LinkState = { status: 'down', reason: 'stopped', since: Date.now() };
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #listening = false;
  readonly #counters: LinkCounters = { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0 };

  constructor(opts: RockblockLinkOptions) {
    super();
    for (const imei of opts.defaultImeis ?? []) {
      if (!IMEI.test(imei)) throw new RangeError(`default IMEI ${show(imei)} is not 15 digits`);
    }
    this.id = opts.id;
    this.receiver = opts.receiver;
    this.#listen = opts.listen;
    this.#mt = opts.mt;
    this.#defaults = [...(opts.defaultImeis ?? [])];
    this.#log = opts.log ?? silentLogger;
    this.receiver.accepting = false;
    this.#onPush = (push) => this.#receive(push);
  }

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
    const results = await Promise.all(targets.map((imei) => this.#sendOne(imei, bytes, signal)));
    const failures = results.filter((r): r is SendOutcome & { ok: false } => !r.ok);
    if (failures.length === 0) {
      this.#counters.txFrames++;
      this.#counters.txBytes += bytes.length;
      return { ok: true, ref: results.map((r) => (r.ok ? r.ref : '')).join(',') };
    }
    this.#counters.errors += failures.length;
    // Several targets: retry 'later' if any may still succeed; the receiving kits deduplicate.
    const worst = failures.find((f) => f.retry === 'later') ?? (failures[0] as SendOutcome & { ok: false });
    return failed(worst.retry, worst.code, failures.map((f) => f.detail).join('; '));
  }

  counters(): Readonly<LinkCounters> {
    return { ...this.#counters };
  }

  async #sendOne(imei: string, bytes: Uint8Array, signal: AbortSignal): Promise<SendOutcome> {
    try {
      const { mtId } = await this.#mt.send(imei, bytes, { signal });
      return { ok: true, ref: mtId };
    } catch (err) {
      if (!(err instanceof RockblockMtError)) throw err;
      const detail = `${imei}: ${err.message}`;
      if (err.kind === 'aborted') return failed('later', 'LINK_DOWN', detail);
      if (err.kind === 'timeout') return failed('later', 'TIMEOUT', detail);
      if (err.kind === 'refused' && err.rockblockCode !== undefined) {
        const meaning = mtCodeMeaning(err.rockblockCode);
        return failed(meaning.retry, meaning.link, detail);
      }
      return failed('later', 'DEVICE_ERROR', detail);
    }
  }

  #receive(push: ReceivedPush): void {
    if (push.data.length === 0) return; // a mailbox check
    this.#counters.rxFrames++;
    this.#counters.rxBytes += push.data.length;
    this.emit('frame', {
      link: this.id,
      bytes: push.data,
      receivedAt: push.receivedAt,
      meta: { from: push.imei },
    });
  }

  async #open(): Promise<void> {
    this.#setState({ status: 'starting' });
    if (this.#listen && !this.#listening) {
      try {
        await this.receiver.listen(this.#listen.port, this.#listen.host);
        this.#listening = true;
      } catch (err) {
        this.#counters.errors++;
        this.#down('port-error', err);
        return;
      }
    }
    if (this.#stopping) return;
    this.receiver.on('push', this.#onPush);
    this.receiver.accepting = true;
    this.#setState({ status: 'up', since: Date.now() });
    this.#log.info({ link: this.id, address: this.receiver.address() }, 'rockblock link up');
  }

  async #close(): Promise<void> {
    await this.#starting;
    this.receiver.accepting = false;
    // What was acknowledged just before is handed on in the next turn: take it before leaving.
    await new Promise((resolve) => setImmediate(resolve));
    this.receiver.off('push', this.#onPush);
    this.#aborts.abort();
    if (this.#listening) await this.receiver.close();
    this.#listening = false;
    this.#setState({ status: 'down', reason: 'stopped', since: Date.now() });
  }

  #down(reason: LinkDownReason, err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err);
    this.#log.warn({ link: this.id, reason, err }, 'rockblock link down');
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

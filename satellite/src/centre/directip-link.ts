/**
 * The county centre's satellite link over Iridium DirectIP (protocols/iridium.md §3, §7.5;
 * DESIGN.md "The link contract"), for a centre that contracts a VAR with DirectIP instead of the
 * RockBLOCK web services.
 *
 * - Inbound: each new MO message with a payload that the MO server kept is one frame,
 *   `meta.from` the kit's IMEI. Mailbox checks are not frames; quarantined payloads are the
 *   server's `quarantine` events.
 * - Outbound: `send(frame, { to: imei })`, or without `to` to each default IMEI: one MT message
 *   per IMEI and its confirmation. ok when the gateway queued it, ref its auto ID. A P0 frame
 *   (`priority: 0`) goes with the High Priority flag and priority 1.
 * - The link owns the MO server's listening socket from start() to stop(): while it is down the
 *   gateway cannot connect and keeps its messages (it retries for 12 h).
 */
import { EventEmitter } from 'node:events';
import { KitError, show } from '../../../node/src/errors.js';
import type {
  Link,
  LinkCounters,
  LinkEvents,
  LinkFailureCode,
  LinkState,
  SendOptions,
  SendOutcome,
} from '../../../node/src/link/link.js';
import { type Logger, silentLogger } from '../../../node/src/log-types.js';
import type { DirectIpMoServer, ReceivedMo } from '../directip/mo-server.js';
import { MT_FLAG, type MtMessage } from '../directip/mt.js';
import type { DirectIpMtClient, MtSendResult } from '../directip/mt-client.js';

export interface DirectIpLinkOptions {
  /** Link id from configuration, e.g. "directip0". */
  id: string;
  /** The MO server; the link listens on `listen` from start() to stop(). */
  server: DirectIpMoServer;
  listen: { host: string; port: number };
  mt: DirectIpMtClient;
  /** The IMEIs a send without `to` goes to. */
  defaultImeis?: readonly string[];
  /** Largest MT frame. Default 270 (9602/9603). */
  mtu?: number;
  log?: Logger;
}

const IMEI = /^\d{15}$/;

/** What a negative MT confirmation status means for the frame. */
const STATUS_OUTCOME: Readonly<Record<number, { retry: 'later' | 'never'; code: LinkFailureCode }>> = {
  [-1]: { retry: 'never', code: 'NACK' },
  [-2]: { retry: 'never', code: 'NACK' },
  [-3]: { retry: 'never', code: 'TOO_LARGE' },
  [-4]: { retry: 'never', code: 'NACK' },
  [-5]: { retry: 'later', code: 'BUSY' },
  [-6]: { retry: 'later', code: 'BUSY' },
  [-7]: { retry: 'never', code: 'NACK' },
  [-11]: { retry: 'never', code: 'NACK' },
};

function failed(retry: 'later' | 'never', code: LinkFailureCode, detail: string): SendOutcome {
  return { ok: false, retry, code, detail };
}

/** DirectIP as a Link (kind 'iridium-sbd'). stop() is final. */
export class DirectIpLink extends EventEmitter<LinkEvents> implements Link {
  readonly id: string;
  readonly kind = 'iridium-sbd' as const;
  readonly mtu: number;
  readonly server: DirectIpMoServer;
  readonly #listen: { host: string; port: number };
  readonly #mt: DirectIpMtClient;
  readonly #defaults: readonly string[];
  readonly #log: Logger;
  readonly #onMo: (mo: ReceivedMo) => void;
  readonly #aborts = new AbortController();
  #state: LinkState = { status: 'down', reason: 'stopped', since: Date.now() };
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** Client message ids: opaque to the gateway, echoed in its confirmation. */
  #clientId = 0;
  readonly #counters: LinkCounters = { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0 };

  constructor(opts: DirectIpLinkOptions) {
    super();
    for (const imei of opts.defaultImeis ?? []) {
      if (!IMEI.test(imei)) throw new RangeError(`default IMEI ${show(imei)} is not 15 digits`);
    }
    this.id = opts.id;
    this.mtu = opts.mtu ?? 270;
    this.server = opts.server;
    this.#listen = opts.listen;
    this.#mt = opts.mt;
    this.#defaults = [...(opts.defaultImeis ?? [])];
    this.#log = opts.log ?? silentLogger;
    this.#onMo = (mo) => this.#receive(mo);
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
    if (this.#state.status !== 'up') return failed('later', 'LINK_DOWN', 'the link is not up');
    const targets = opts.to !== undefined ? [opts.to] : this.#defaults;
    if (targets.length === 0) return failed('never', 'NO_SERVICE', 'no IMEI given and no default configured');
    const bad = targets.find((imei) => !IMEI.test(imei));
    if (bad !== undefined) return failed('never', 'DEVICE_ERROR', `${show(bad)} is not an IMEI`);

    const payload = Uint8Array.from(frame);
    const urgent = opts.priority === 0;
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.#aborts.signal]) : this.#aborts.signal;
    const outcomes = await Promise.all(
      targets.map(async (imei) => {
        this.#clientId = (this.#clientId + 1) >>> 0;
        const message: MtMessage = {
          header: { clientMessageId: this.#clientId, imei, flags: urgent ? MT_FLAG.highPriority : 0 },
          payload,
          ...(urgent ? { priority: 1 } : {}),
        };
        return this.#outcome(imei, await this.#mt.send(message, { signal }));
      }),
    );
    const failures = outcomes.filter((o): o is SendOutcome & { ok: false } => !o.ok);
    if (failures.length === 0) {
      this.#counters.txFrames++;
      this.#counters.txBytes += payload.length;
      return { ok: true, ref: outcomes.map((o) => (o.ok ? o.ref : '')).join(',') };
    }
    this.#counters.errors += failures.length;
    const worst = failures.find((f) => f.retry === 'later') ?? (failures[0] as SendOutcome & { ok: false });
    return failed(worst.retry, worst.code, failures.map((f) => f.detail).join('; '));
  }

  counters(): Readonly<LinkCounters> {
    return { ...this.#counters };
  }

  #outcome(imei: string, result: MtSendResult): SendOutcome {
    if (result.kind === 'confirmed') {
      const { confirmation, meaning } = result;
      if (meaning.ok) return { ok: true, ref: String(confirmation.autoIdReference) };
      const mapped = STATUS_OUTCOME[confirmation.status] ?? { retry: 'later', code: 'DEVICE_ERROR' };
      return failed(
        mapped.retry,
        mapped.code,
        `${imei}: MT status ${confirmation.status} (${meaning.description})`,
      );
    }
    const code: LinkFailureCode =
      result.kind === 'aborted' ? 'LINK_DOWN' : result.kind === 'timeout' ? 'TIMEOUT' : 'DEVICE_ERROR';
    return failed('later', code, `${imei}: ${result.kind}: ${result.detail}`);
  }

  #receive(mo: ReceivedMo): void {
    const payload = mo.message.payload;
    if (payload === undefined) return; // a mailbox check
    this.#counters.rxFrames++;
    this.#counters.rxBytes += payload.length;
    this.emit('frame', {
      link: this.id,
      bytes: payload,
      receivedAt: mo.receivedAt,
      meta: { from: mo.message.header.imei },
    });
  }

  async #open(): Promise<void> {
    this.#setState({ status: 'starting' });
    try {
      await this.server.listen(this.#listen.port, this.#listen.host);
    } catch (err) {
      this.#counters.errors++;
      this.#log.warn({ link: this.id, err }, 'directip link down');
      this.#setState({
        status: 'down',
        reason: 'port-error',
        detail: (err as Error).message,
        since: Date.now(),
      });
      return;
    }
    if (this.#stopping) return;
    this.server.on('mo', this.#onMo);
    this.server.accepting = true;
    this.#setState({ status: 'up', since: Date.now() });
    this.#log.info({ link: this.id, address: this.server.address() }, 'directip link up');
  }

  async #close(): Promise<void> {
    await this.#starting;
    this.server.accepting = false;
    // What was acknowledged just before is handed on in the next turn: take it before leaving.
    await new Promise((resolve) => setImmediate(resolve));
    this.server.off('mo', this.#onMo);
    this.#aborts.abort();
    await this.server.close();
    this.#setState({ status: 'down', reason: 'stopped', since: Date.now() });
  }

  /** Emits only on a change of status (or of reason, when down). */
  #setState(next: LinkState): void {
    const k = (s: LinkState) => (s.status === 'down' ? `down/${s.reason}` : s.status);
    if (k(next) === k(this.#state)) return;
    this.#state = next;
    this.emit('state', next);
  }
}

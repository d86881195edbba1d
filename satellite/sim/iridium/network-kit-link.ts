/**
 * A simulated kit's satellite link that talks straight to the simulated network's session(), as
 * a modem would after a successful SBDIX (protocols/iridium.md §1.3, §7.1), without the AT layer.
 * It is the far side for the centre links' contract tests and for demos that need a kit but not a
 * serial line: what a real kit does over modem-sim + the SBD link, minus radio faults.
 *
 * - send(frame): one session carrying the frame as the MO message; ok with the MOMSN as ref when
 *   the gateway gives MO status 0–4; the MOMSN advances only on success (§1.3).
 * - An MT message handed over in any session is emitted as a frame (meta.from "gateway").
 * - A ring alert, or an MT count > 0 after a session, starts mailbox checks (sessions without MO)
 *   until nothing is queued: what a kit does with SBDIXA after SBDRING and "loop while MT queued".
 */
import { EventEmitter } from 'node:events';
import { KitError } from '../../../node/src/base/errors.js';
import type {
  Link,
  LinkCapabilities,
  LinkCounters,
  LinkEvents,
  LinkState,
  SendOptions,
  SendOutcome,
} from '../../../node/src/link/link.js';
import { IRIDIUM_BILLING, MAX_MT_BYTES } from '../../src/iridium-limits.js';
import type { GatewaySessionResult, IridiumNetwork } from './iridium-network.js';

export interface NetworkKitLinkOptions {
  id: string;
  imei: string;
  network: IridiumNetwork;
  /** The modem's MOMSN before the first session. Default 0. */
  momsn?: number;
  /** Largest MO frame. Default 340. */
  mtu?: number;
  /** Unix ms for the sessions. Default Date.now. */
  now?: () => number;
}

export class NetworkKitLink extends EventEmitter<LinkEvents> implements Link {
  readonly id: string;
  readonly kind = 'iridium-sbd' as const;
  readonly mtu: number;
  readonly imei: string;
  readonly #network: IridiumNetwork;
  readonly #now: () => number;
  #momsn: number;
  #state: LinkState = { status: 'down', reason: 'stopped', since: Date.now() };
  #detach: (() => void) | undefined;
  #stopped = false;
  #checking = false;
  readonly #counters: LinkCounters = { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0 };

  /** A kit's modem: RockBLOCK's bill, MO up to 340 bytes, MT up to 270. */
  get capabilities(): LinkCapabilities {
    return {
      maxSendBytes: this.mtu,
      maxReceiveBytes: MAX_MT_BYTES,
      billing: IRIDIUM_BILLING,
      minSendIntervalMs: 0,
      confirmationWaitMs: 0,
      sharedMedium: false,
    };
  }

  constructor(opts: NetworkKitLinkOptions) {
    super();
    this.id = opts.id;
    this.imei = opts.imei;
    this.mtu = opts.mtu ?? 340;
    this.#network = opts.network;
    this.#now = opts.now ?? Date.now;
    this.#momsn = opts.momsn ?? 0;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The MOMSN the next session will use. */
  get momsn(): number {
    return this.#momsn;
  }

  async start(): Promise<void> {
    if (this.#stopped) throw new KitError('LINK_CLOSED', `link ${this.id} was stopped`);
    if (this.#state.status === 'up') return;
    this.#detach = this.#network.attachRing(this.imei, () => this.#mailboxChecks());
    this.#setState({ status: 'up', since: Date.now() });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#detach?.();
    this.#detach = undefined;
    this.#setState({ status: 'down', reason: 'stopped', since: Date.now() });
  }

  async send(frame: Uint8Array, _opts: SendOptions = {}): Promise<SendOutcome> {
    if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
    if (this.#stopped) throw new KitError('LINK_CLOSED', `send on stopped link ${this.id}`);
    if (frame.length > this.mtu)
      return { ok: false, retry: 'never', code: 'TOO_LARGE', detail: `${frame.length}` };
    if (frame.length === 0) return { ok: false, retry: 'never', code: 'NACK', detail: 'empty frame' };
    if (this.#state.status !== 'up') return { ok: false, retry: 'later', code: 'LINK_DOWN' };
    const momsn = this.#momsn;
    const result = this.#session(Uint8Array.from(frame));
    if (result.moStatus > 4) {
      this.#counters.errors++;
      return { ok: false, retry: 'later', code: 'NO_SERVICE', detail: `MO status ${result.moStatus}` };
    }
    this.#counters.txFrames++;
    this.#counters.txBytes += frame.length;
    if (result.mtQueued > 0) this.#mailboxChecks();
    return { ok: true, ref: String(momsn) };
  }

  counters(): Readonly<LinkCounters> {
    return { ...this.#counters };
  }

  /** One session; advances the MOMSN on success and emits any MT message. */
  #session(mo: Uint8Array | undefined): GatewaySessionResult {
    const result = this.#network.session({ imei: this.imei, momsn: this.#momsn, mo, at: this.#now() });
    if (result.moStatus <= 4) this.#momsn = (this.#momsn + 1) % 65_536;
    if (result.mt) {
      const bytes = Uint8Array.from(result.mt.payload);
      this.#counters.rxFrames++;
      this.#counters.rxBytes += bytes.length;
      this.emit('frame', { link: this.id, bytes, receivedAt: Date.now(), meta: { from: 'gateway' } });
    }
    return result;
  }

  /** Mailbox checks, one per turn, until the gateway has nothing queued. */
  #mailboxChecks(): void {
    if (this.#checking) return;
    this.#checking = true;
    const next = () => {
      if (this.#state.status !== 'up') {
        this.#checking = false;
        return;
      }
      const result = this.#session(undefined);
      if (result.moStatus <= 4 && result.mtQueued > 0) setImmediate(next);
      else this.#checking = false;
    };
    setImmediate(next);
  }

  #setState(next: LinkState): void {
    const k = (s: LinkState) => (s.status === 'down' ? `down/${s.reason}` : s.status);
    if (k(next) === k(this.#state)) return;
    this.#state = next;
    this.emit('state', next);
  }
}

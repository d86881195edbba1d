/**
 * A simulated kit's satellite link that talks straight to the simulated network's session(), as
 * a modem would after a successful SBDIX (docs/iridium.md §1.3, §7.1, §7.4; docs/links.md §The
 * Iridium simulators), without the AT layer. It is the far side for the centre links' contract
 * tests and for demos that need a kit but not a serial line: what a real kit does over modem-sim +
 * the SBD link, minus radio faults. State, guards and counters are the link skeleton's (LinkBase).
 *
 * - send(frame): one session carrying the frame as the MO message; ok with the MOMSN as ref when
 *   the gateway gives MO status 0–4, NO_SERVICE otherwise; the MOMSN advances only on success
 *   (§1.3).
 * - An MT message handed over in any session is a frame (meta.from "gateway").
 * - A ring alert, or an MT count > 0 after a session, starts mailbox checks (sessions without MO)
 *   until nothing is queued: what a kit does with SBDIXA after SBDRING and "loop while MT queued".
 */
import type { LinkCapabilities, SendOptions, SendOutcome } from '../../../node/src/link/link.js';
import { failed, LinkBase } from '../../../node/src/link/link-base.js';
import { iridiumCapabilities } from '../../src/iridium-limits.js';
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

export class NetworkKitLink extends LinkBase {
  readonly kind = 'iridium-sbd' as const;
  readonly imei: string;
  readonly #network: IridiumNetwork;
  readonly #now: () => number;
  #momsn: number;
  #detach: (() => void) | undefined;
  #checking = false;

  /** A kit's modem: RockBLOCK's bill, MO up to 340 bytes, MT up to 270. */
  override get capabilities(): LinkCapabilities {
    return iridiumCapabilities({ side: 'kit', maxSendBytes: this.mtu, confirmationWaitMs: 0 });
  }

  constructor(opts: NetworkKitLinkOptions) {
    super({ id: opts.id, mtu: opts.mtu ?? 340, name: 'network-kit' });
    this.imei = opts.imei;
    this.#network = opts.network;
    this.#now = opts.now ?? Date.now;
    this.#momsn = opts.momsn ?? 0;
  }

  /** The MOMSN the next session will use. */
  get momsn(): number {
    return this.#momsn;
  }

  protected async open(): Promise<void> {
    this.#detach = this.#network.attachRing(this.imei, () => this.#mailboxChecks());
    this.goUp();
  }

  protected async close(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
  }

  protected async transmit(frame: Uint8Array, _opts: SendOptions): Promise<SendOutcome> {
    const momsn = this.#momsn;
    const result = this.#session(frame);
    if (result.moStatus > 4) return failed('later', 'NO_SERVICE', `MO status ${result.moStatus}`);
    if (result.mtQueued > 0) this.#mailboxChecks();
    return { ok: true, ref: String(momsn) };
  }

  /** One session; advances the MOMSN on success and hands on any MT message. */
  #session(mo: Uint8Array | undefined): GatewaySessionResult {
    const result = this.#network.session({ imei: this.imei, momsn: this.#momsn, mo, at: this.#now() });
    if (result.moStatus <= 4) this.#momsn = (this.#momsn + 1) % 65_536;
    if (result.mt) this.received(Uint8Array.from(result.mt.payload), { from: 'gateway' }, Date.now());
    return result;
  }

  /** Mailbox checks, one per turn, until the gateway has nothing queued. */
  #mailboxChecks(): void {
    if (this.#checking) return;
    this.#checking = true;
    const next = () => {
      if (this.state.status !== 'up') {
        this.#checking = false;
        return;
      }
      const result = this.#session(undefined);
      if (result.moStatus <= 4 && result.mtQueued > 0) setImmediate(next);
      else this.#checking = false;
    };
    setImmediate(next);
  }
}

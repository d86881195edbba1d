/**
 * The county centre's satellite link over the RockBLOCK web services (docs/iridium.md §2, §7.5;
 * docs/links.md §The centre's satellite ingress): inbound frames are the verified MO pushes of the
 * push receiver, outbound frames are MT messages through the MT client. State, start()/stop() and
 * the choice of IMEIs are CentreSatelliteLink's (centre-satellite-link.ts).
 *
 * - Inbound: each new verified push with data is one frame, whatever it holds (the core tells
 *   fieldnode frames from other traffic and keeps the others), `meta.from` the kit's IMEI and
 *   `meta.source` the push's other fields ({@link pushSource}). Mailbox checks are not frames.
 *   A signed push whose claims are not the documented shape is the receiver's `quarantine` event.
 * - Outbound: `send(frame, { to: imei })`, or without `to` to each configured default IMEI. ok
 *   means Rock7 queued it (confirmation 1: the satellite network took it), ref the mtId(s). The MT
 *   client retries network failures a bounded number of times; everything else is the
 *   supervisor's and the store's (links report, supervisors retry).
 * - While the link is not up the receiver answers 503, so Rock7 keeps pushes for later instead of
 *   handing them to nobody.
 * - With `listen`, the link owns an HTTP server for the receiver from start() to stop(); without,
 *   the daemon mounts `receiver.handle` in its own server.
 */
import type { SendOptions, SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import { MAX_MT_BYTES, type RockblockMtClient } from '../rockblock/mt-client.js';
import { mtCodeMeaning, RockblockMtError } from '../rockblock/mt-response.js';
import type { ReceivedPush, RockblockPushReceiver } from '../rockblock/push-receiver.js';
import { type CentreLinkOptions, CentreSatelliteLink } from './centre-satellite-link.js';

export interface RockblockLinkOptions extends CentreLinkOptions {
  /** The push receiver; the link turns its `accepting` on and off with its own state. */
  receiver: RockblockPushReceiver;
  /** Where the link's own push server listens; omit when `receiver.handle` is mounted elsewhere. */
  listen?: { host: string; port: number };
  mt: RockblockMtClient;
}

/** The RockBLOCK web services as a Link (kind 'iridium-sbd'). stop() is final. */
export class RockblockLink extends CentreSatelliteLink {
  readonly receiver: RockblockPushReceiver;
  readonly #mt: RockblockMtClient;
  readonly #onPush = (push: ReceivedPush): void => {
    if (push.data.length === 0) return; // a mailbox check
    this.received(push.data, { from: push.imei, source: pushSource(push) }, push.receivedAt);
  };

  constructor(opts: RockblockLinkOptions) {
    // The MT limit; MO frames may be up to 340 bytes.
    super({ ...opts, name: 'rockblock', mtu: MAX_MT_BYTES, ingress: opts.receiver });
    this.receiver = opts.receiver;
    this.#mt = opts.mt;
  }

  protected subscribe(): void {
    this.receiver.on('push', this.#onPush);
  }

  protected unsubscribe(): void {
    this.receiver.off('push', this.#onPush);
  }

  protected async sendTo(
    imei: string,
    bytes: Uint8Array,
    _opts: SendOptions,
    signal: AbortSignal,
  ): Promise<SendOutcome> {
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
}

/**
 * What a push says of its payload besides the IMEI, for FrameMeta.source: `carrier` "rockblock",
 * the MOMSN, `sessionTime` (the session's time, Unix ms), `transmitTimeText` as Rock7 sent it, and
 * whichever of serial, device type, Iridium position, session status and signing time it gave.
 */
export function pushSource(push: ReceivedPush): Readonly<Record<string, unknown>> {
  const { imei: _imei, data: _data, receivedAt: _at, transmitTime, ...rest } = push;
  return { carrier: 'rockblock', ...rest, sessionTime: transmitTime };
}

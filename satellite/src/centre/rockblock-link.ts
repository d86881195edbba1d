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
 * - Receive-only: without an MT client (no MT credentials, `mtOff` says why) the link still takes
 *   pushes and goes up; every send is NO_SERVICE, retry 'later', naming the reason, so what waits
 *   for the satellite stays in the store until MT is on (docs/centre-doors.md §Receiving only).
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
  /** The MT client; absent for a link that receives only. */
  mt?: RockblockMtClient | undefined;
  /** Without `mt`: why MT is off, in a sentence for the operator (its fix included). */
  mtOff?: string;
  /**
   * Largest frame the link sends, one MT message, bytes: 1..270. Default 270, what a kit's
   * 9602/9603 takes and Rock7 accepts (docs/iridium.md §1.4, §2.3).
   */
  mtu?: number;
}

/** The RockBLOCK web services as a Link (kind 'iridium-sbd'). stop() is final. */
export class RockblockLink extends CentreSatelliteLink {
  readonly receiver: RockblockPushReceiver;
  /** Why MT is off (the link receives only); undefined while it sends. */
  readonly mtOff: string | undefined;
  readonly #mt: RockblockMtClient | undefined;
  readonly #onPush = (push: ReceivedPush): void => {
    if (push.data.length === 0) return; // a mailbox check
    this.received(push.data, { from: push.imei, source: pushSource(push) }, push.receivedAt);
  };

  constructor(opts: RockblockLinkOptions) {
    if (opts.mtu !== undefined && opts.mtu > MAX_MT_BYTES)
      throw new RangeError(
        `a RockBLOCK link's mtu is at most ${MAX_MT_BYTES} (one MT message), got ${opts.mtu}`,
      );
    // The MT limit; MO frames may be up to 340 bytes.
    super({ ...opts, name: 'rockblock', mtu: opts.mtu ?? MAX_MT_BYTES, ingress: opts.receiver });
    this.receiver = opts.receiver;
    this.#mt = opts.mt;
    this.mtOff = opts.mt === undefined ? (opts.mtOff ?? 'no MT client') : undefined;
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
    if (this.#mt === undefined) return failed('later', 'NO_SERVICE', `${imei}: MT is off: ${this.mtOff}`);
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
 * the MOMSN, `sessionTime` (the session's time, Unix ms), `transmitTimeText` as Rock7 sent it,
 * Iridium's position of the modem as `latitude`, `longitude` (degrees) and `cepKm`, the keys
 * DirectIP uses too (docs/centre-doors.md §What the doors keep), and whichever of serial, device
 * type, session status and signing time it gave.
 */
export function pushSource(push: ReceivedPush): Readonly<Record<string, unknown>> {
  const {
    imei: _imei,
    data: _data,
    receivedAt: _at,
    transmitTime,
    iridiumLatitude,
    iridiumLongitude,
    iridiumCepKm,
    ...rest
  } = push;
  return {
    carrier: 'rockblock',
    ...rest,
    sessionTime: transmitTime,
    ...(iridiumLatitude === undefined ? {} : { latitude: iridiumLatitude }),
    ...(iridiumLongitude === undefined ? {} : { longitude: iridiumLongitude }),
    ...(iridiumCepKm === undefined ? {} : { cepKm: iridiumCepKm }),
  };
}

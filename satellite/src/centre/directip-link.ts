/**
 * The county centre's satellite link over Iridium DirectIP (docs/iridium.md §3, §7.5; docs/links.md
 * §The centre's satellite ingress), for a centre that contracts a VAR with DirectIP instead of the
 * RockBLOCK web services. State, start()/stop() and the choice of IMEIs are
 * CentreSatelliteLink's (centre-satellite-link.ts).
 *
 * - Inbound: each new MO message with a payload is one frame, whatever it holds (the core tells
 *   fieldnode frames from other traffic and keeps the others), `meta.from` the kit's IMEI and
 *   `meta.source` the rest of the header, the location and the gateway's address
 *   ({@link moSource}). Mailbox checks are not frames.
 * - Outbound: `send(frame, { to: imei })`, or without `to` to each default IMEI: one MT message
 *   per IMEI and its confirmation. ok when the gateway queued it, ref its auto ID. A P0 frame
 *   (`priority: 0`) goes with the High Priority flag and priority 1.
 * - The link owns the MO server's listening socket from start() to stop(): while it is down the
 *   gateway cannot connect and keeps its messages (it retries for 12 h).
 */
import type { LinkFailureCode, SendOptions, SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import { locationDegrees } from '../directip/mo.js';
import type { DirectIpMoServer, ReceivedMo } from '../directip/mo-server.js';
import { MT_FLAG, type MtMessage } from '../directip/mt.js';
import type { DirectIpMtClient, MtSendResult } from '../directip/mt-client.js';
import { type CentreLinkOptions, CentreSatelliteLink } from './centre-satellite-link.js';

export interface DirectIpLinkOptions extends CentreLinkOptions {
  /** The MO server; the link listens on `listen` from start() to stop(). */
  server: DirectIpMoServer;
  listen: { host: string; port: number };
  mt: DirectIpMtClient;
  /** Largest MT frame. Default 270 (9602/9603). */
  mtu?: number;
}

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

/** DirectIP as a Link (kind 'iridium-sbd'). stop() is final. */
export class DirectIpLink extends CentreSatelliteLink {
  readonly server: DirectIpMoServer;
  readonly #mt: DirectIpMtClient;
  /** Client message ids: opaque to the gateway, echoed in its confirmation. */
  #clientId = 0;
  readonly #onMo = (mo: ReceivedMo): void => {
    const payload = mo.message.payload;
    if (payload === undefined) return; // a mailbox check
    this.received(payload, { from: mo.message.header.imei, source: moSource(mo) }, mo.receivedAt);
  };

  constructor(opts: DirectIpLinkOptions) {
    super({ ...opts, name: 'directip', mtu: opts.mtu ?? 270, ingress: opts.server });
    this.server = opts.server;
    this.#mt = opts.mt;
  }

  protected subscribe(): void {
    this.server.on('mo', this.#onMo);
  }

  protected unsubscribe(): void {
    this.server.off('mo', this.#onMo);
  }

  protected async sendTo(
    imei: string,
    payload: Uint8Array,
    opts: SendOptions,
    signal: AbortSignal,
  ): Promise<SendOutcome> {
    this.#clientId = (this.#clientId + 1) >>> 0;
    const urgent = opts.priority === 0;
    const message: MtMessage = {
      header: { clientMessageId: this.#clientId, imei, flags: urgent ? MT_FLAG.highPriority : 0 },
      payload,
      ...(urgent ? { priority: 1 } : {}),
    };
    return outcome(imei, await this.#mt.send(message, { signal }));
  }
}

/**
 * What an MO message says of its payload besides the IMEI, for FrameMeta.source: `carrier`
 * "directip", the header's CDR reference, session status, MOMSN and MTMSN, `sessionTime` (Unix ms),
 * and, when there were, the location (as `latitude`, `longitude` in signed degrees and `cepKm`, the
 * keys the RockBLOCK link uses too, docs/centre-doors.md §What the doors keep; and the IE's own
 * fields under `location`) and the gateway's address.
 */
export function moSource(mo: ReceivedMo): Readonly<Record<string, unknown>> {
  const { imei: _imei, sessionTime, ...header } = mo.message.header;
  const { location } = mo.message;
  return {
    carrier: 'directip',
    ...header,
    sessionTime: sessionTime * 1000,
    ...(location === undefined
      ? {}
      : { ...locationDegrees(location), cepKm: location.cepKm, location: { ...location } }),
    ...(mo.remote === undefined ? {} : { remote: mo.remote }),
  };
}

function outcome(imei: string, result: MtSendResult): SendOutcome {
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

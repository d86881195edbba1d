/**
 * The `want_config_id` handshake (docs/meshtastic.md §1.2, §1.4): 32 × 0xC3 to wake the
 * device, a pause, `want_config_id` with a random nonce (never 0, 69420 or 69421), then the config
 * dump collected (device-info.ts) until `config_complete_id` carries that nonce. A `rebooted`
 * frame mid-dump starts a new attempt with a new nonce, at most three in a row.
 */
import { KitError } from '../../../node/src/base/errors.js';
import type { Logger } from '../../../node/src/base/logger.js';
import type { FromRadio } from './codec.js';
import { NONCE_ONLY_CONFIG, NONCE_ONLY_NODES } from './constants.js';
import { ConfigCollector, type DeviceInfo } from './device-info.js';
import { wakeBytes, wantConfigFrame } from './to-radio.js';

export type AttemptOutcome = 'done' | 'rebooted' | 'timeout' | 'closed';

export interface HandshakeOptions {
  wakeDelayMs: number;
  handshakeTimeoutMs: number;
  maxNodes: number;
  randomInt: (min: number, max: number) => number;
  now: () => number;
  write: (bytes: Uint8Array) => void;
  log: Logger;
}

const ATTEMPTS = 3;

/** One exchange: wake, pause, ask, collect. Settles once, with how it ended. */
export class HandshakeAttempt {
  readonly outcome: Promise<AttemptOutcome>;
  #collector: ConfigCollector | undefined;
  #timer: NodeJS.Timeout | undefined;
  #settle: ((o: AttemptOutcome) => void) | undefined;

  constructor(o: HandshakeOptions) {
    this.outcome = new Promise((resolve) => {
      this.#settle = (outcome) => {
        this.#settle = undefined;
        clearTimeout(this.#timer);
        resolve(outcome);
      };
    });
    o.write(wakeBytes());
    this.#timer = setTimeout(() => {
      let nonce = 0;
      while (nonce === 0 || nonce === NONCE_ONLY_CONFIG || nonce === NONCE_ONLY_NODES) {
        nonce = o.randomInt(1, 2 ** 32);
      }
      this.#collector = new ConfigCollector(nonce, { maxNodes: o.maxNodes, now: o.now });
      o.log.debug({ nonce }, 'want_config_id');
      o.write(wantConfigFrame(nonce));
      this.#timer = setTimeout(() => this.end('timeout'), o.handshakeTimeoutMs);
    }, o.wakeDelayMs);
  }

  /** A frame from the device: part of the dump, or its end. */
  take(msg: FromRadio): void {
    if (this.#collector?.add(msg) === true) this.end('done');
  }

  /** Ends the attempt early (or on its own timer); later calls do nothing. */
  end(outcome: AttemptOutcome): void {
    this.#settle?.(outcome);
  }

  /** The collected info, once done; undefined if the dump had no my_info. */
  result(): DeviceInfo | undefined {
    return this.#collector?.result();
  }
}

/**
 * Runs attempts until one completes. Rejects with KitError MESH_HANDSHAKE (timeout, a dump
 * without my_info, reboots in a row) or MESH_SESSION_CLOSED (the stream ended).
 */
export async function runHandshake(
  next: () => HandshakeAttempt,
  opts: { handshakeTimeoutMs: number; log: Logger },
): Promise<DeviceInfo> {
  for (let attempt = 1; ; attempt++) {
    const a = next();
    const outcome = await a.outcome;
    if (outcome === 'done') {
      const info = a.result();
      if (info === undefined) throw new KitError('MESH_HANDSHAKE', 'the config dump had no my_info');
      return info;
    }
    if (outcome === 'closed') {
      throw new KitError('MESH_SESSION_CLOSED', 'the stream closed during the handshake');
    }
    if (outcome === 'timeout') {
      throw new KitError('MESH_HANDSHAKE', `no config_complete within ${opts.handshakeTimeoutMs} ms`);
    }
    if (attempt >= ATTEMPTS) {
      throw new KitError('MESH_HANDSHAKE', `the device rebooted during ${attempt} handshakes in a row`);
    }
    opts.log.info({ attempt }, 'device rebooted during the handshake; starting again');
  }
}

/**
 * The filters `PhoneAPI::handleToRadioPacket` applies to a client packet before the mesh sees it
 * (docs/meshtastic.md §2.1, §2.6): the duplicate-id filter over the last 20 client ids
 * (`PhoneAPI::wasSeenRecently`) and the per-portnum rate limits, with the rules of each release
 * (firmware v2.6.11 and v2.7.x src/mesh/PhoneAPI.cpp). Also `generatePacketId` (Router.cpp).
 */
import { BROADCAST_NUM, RECENT_CLIENT_IDS } from '../../src/meshtastic/constants.js';
import type { FirmwareFeatures } from './firmware-profile.js';
import { SimPortNum } from './port-numbers.js';

/**
 * `recentToRadioPacketIds[20]`, filled from the front; when full, the oldest is shifted out. An id
 * already in the window is reported and not added again, so it does not move.
 */
export class RecentClientIds {
  readonly #ids: number[] = [];

  /** `wasSeenRecently(id)`: true for a repeat; otherwise remembers `id`. */
  seen(id: number): boolean {
    if (this.#ids.includes(id)) return true;
    if (this.#ids.length === RECENT_CLIENT_IDS) this.#ids.shift();
    this.#ids.push(id);
    return false;
  }
}

/** What a rate limit does to the packet, besides the QueueStatus with res 0 it always gets. */
export interface RateLimited {
  /** A `clientNotification` text, as the firmware words it, or undefined. */
  notification?: string;
  /** A NAK to the phone (`sendRoutingErrorResponse`), as a Routing.Error, or undefined. */
  nak?: number;
}

const TEN_SECONDS_MS = 10_000;
const THIRTY_SECONDS_MS = 30_000;
const TWO_SECONDS_MS = 2000;

/**
 * `lastPortNumToRadio`: the time each portnum was last accepted from the client. A packet of a
 * limited portnum inside its window is refused (§2.6: "QueueStatus with res=0 and is not sent").
 */
export class ClientRateLimits {
  readonly #last = new Map<number, number>();
  readonly #features: FirmwareFeatures;

  constructor(features: FirmwareFeatures) {
    this.#features = features;
  }

  /**
   * Checks a packet at `nowMs`; undefined means it passes (and its time is recorded), otherwise
   * what the firmware does instead of sending it. `portnum` is `decoded.portnum`, 0 for an
   * encrypted packet, as in the firmware.
   */
  check(portnum: number, to: number, hopLimit: number, nowMs: number): RateLimited | undefined {
    const within = (ms: number): boolean => {
      const last = this.#last.get(portnum);
      return last !== undefined && nowMs - last < ms;
    };
    const f = this.#features;
    if (portnum === SimPortNum.TRACEROUTE_APP && within(THIRTY_SECONDS_MS)) {
      return { notification: 'TraceRoute can only be sent once every 30 seconds' };
    }
    if (portnum === SimPortNum.TRACEROUTE_APP && to === BROADCAST_NUM && hopLimit > 0) {
      return { notification: 'Multi-hop traceroute to broadcast address is not allowed' };
    }
    const tenSecond: number[] = [SimPortNum.POSITION_APP, SimPortNum.WAYPOINT_APP, SimPortNum.ALERT_APP];
    if (f.rateLimitTelemetryAndText) tenSecond.push(SimPortNum.TELEMETRY_APP);
    if (tenSecond.includes(portnum) && within(TEN_SECONDS_MS)) return {};
    if (f.rateLimitTelemetryAndText && portnum === SimPortNum.TEXT_MESSAGE_APP && within(TWO_SECONDS_MS)) {
      return f.textRateLimitNak
        ? { nak: 38 /* RATE_LIMIT_EXCEEDED */ }
        : { notification: 'Text messages can only be sent once every 2 seconds' };
    }
    this.#last.set(portnum, nowMs);
    return undefined;
  }

  /** `lastPortNumToRadio.clear()` in `PhoneAPI::close()` (2.7.20+). */
  clear(): void {
    this.#last.clear();
  }
}

/**
 * `generatePacketId`: a rolling 10-bit counter that starts at a random value at boot, under 22
 * random high bits. `random` is the device's seeded generator.
 */
export function packetIdGenerator(random: () => number): () => number {
  let rolling = Math.floor(random() * 0x7fffffff);
  return () => {
    for (;;) {
      rolling = (rolling + 1) & 0x3ff;
      const high = Math.floor(random() * 0x7fffffff);
      const id = (rolling | (high << 10)) >>> 0;
      if (id !== 0) return id;
    }
  };
}

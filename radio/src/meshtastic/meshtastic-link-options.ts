/**
 * MeshtasticLink's options (meshtastic-link.ts; docs/links.md §Meshtastic (LoRa mesh)): every
 * timeout is an option, so tests and the simulator can shrink them; no global state. There is no
 * reconnect delay: the link never reopens itself, the supervisor paces its restarts.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { Transport } from '../transports/transport.js';
import type { DeviceSessionOptions } from './device-session-types.js';

/** Every wait of the link, in ms. All optional; tests shrink them. */
export interface MeshtasticLinkTimeouts {
  /** Config dump after want_config_id. Default 30000. */
  handshakeMs?: number;
  /** Pause after the wake bytes. Default 100. */
  wakeDelayMs?: number;
  /** Heartbeat period. Default 45000. */
  heartbeatMs?: number;
  /**
   * The least wait for a confirmation over the mesh before the core sends again. Default computed
   * from the radio's modulation and the hop limit (retransmit-timing.ts meshRoundTripMs).
   */
  roundTripMs?: number;
  /** No frame for this long is silence. Default 2 × heartbeatMs. */
  silenceMs?: number;
  /** Wait for a packet's QueueStatus. Default 10000. */
  queueStatusMs?: number;
  /** Wait for an ACK/NAK after the QueueStatus. Default: from the radio's preset and the frame size (retransmit-timing.ts). */
  ackMs?: number;
  /** A TX window stuck at 0 opens for one probe packet after this long. Default 10000. */
  zeroWindowProbeMs?: number;
  /** Heartbeat poll of the TX queue while the window is 0. Default 1000. */
  queuePollMs?: number;
  /** An incomplete frame with no new bytes is given up after this long. Default 1000. */
  partialFrameMs?: number;
  /**
   * A direct message names the last packet its destination sent us as the one it answers, when
   * that packet was heard at most this long ago (answered-packets.ts). Default 600000, the
   * firmware's packet-history lifetime.
   */
  answerFreshMs?: number;
  /**
   * A frame sent only as far as its destination was heard (SendOptions.reach 'heard') trusts a
   * hop count heard at most this long ago, and goes with the usual hop limit after (heard-hops.ts).
   * Default 600000.
   */
  heardFreshMs?: number;
}

export interface MeshtasticLinkOptions {
  /** Link id from configuration, e.g. "mesh0". */
  id: string;
  /** How to reach the radio: SerialTransport, TcpTransport or StreamTransport. */
  transport: Transport;
  /** Our portnum: 256–511 are for private apps (docs/meshtastic.md §2.3; 257 is taken). Default 256. */
  portnum?: number;
  /** Local channel index, 0–7. Default 0. */
  channel?: number;
  /** Hop limit of our packets, 0–7. Default: the radio's LoRa hop_limit, or 3 if it reports none. */
  hopLimit?: number;
  /**
   * `MeshPacket.Priority` of frames whose SendOptions.priority is 2, 3 or absent (P0 goes as
   * ALERT, P1 as HIGH). Default 0: the firmware's choice, DEFAULT or RELIABLE with want_ack.
   */
  priority?: number;
  /**
   * Ask for an ACK on broadcasts too. The firmware then retransmits a broadcast until it hears a
   * neighbour relay it (an implicit ACK, the outcome's positive signal) or gives up with NAK
   * MAX_RETRANSMIT. Default false: a broadcast is ok once the radio queued it.
   */
  broadcastWantAck?: boolean;
  /**
   * Name, in each direct message, the last packet its destination sent us as the one it answers
   * (`Data.request_id`), so that radios on firmware 2.6 and later learn next-hop routes from
   * fieldnode's own answers (answered-packets.ts). Default false: measured, not yet trusted
   * (docs/mesh-simulator.md §Next hops from fieldnode's own answers).
   */
  answerHeardPackets?: boolean;
  /** Largest frame, 1–219 (the PKI DM limit, docs/meshtastic.md §2.4). Default 200 (§8.5). */
  mtu?: number;
  timeouts?: MeshtasticLinkTimeouts;
  /** Radio duplicates remembered. Default 1024. */
  recentPackets?: number;
  /** GPS time older than this is not offered by networkTime(), ms. Default 3600000. */
  maxGpsAgeMs?: number;
  /** Pass `log.child({ mod: 'link', link: id })`. Default: silent. */
  log?: Logger;
  /** Uniform random integer in [min, max), for packet ids and nonces. Default node:crypto. */
  randomInt?: (min: number, max: number) => number;
}

/** The device session's timeouts from the link's. */
export function sessionTimeouts(t: MeshtasticLinkTimeouts): Partial<DeviceSessionOptions> {
  return {
    ...(t.handshakeMs !== undefined && { handshakeTimeoutMs: t.handshakeMs }),
    ...(t.wakeDelayMs !== undefined && { wakeDelayMs: t.wakeDelayMs }),
    ...(t.heartbeatMs !== undefined && { heartbeatIntervalMs: t.heartbeatMs }),
    ...(t.silenceMs !== undefined && { silenceTimeoutMs: t.silenceMs }),
    ...(t.queueStatusMs !== undefined && { queueTimeoutMs: t.queueStatusMs }),
    ...(t.zeroWindowProbeMs !== undefined && { zeroWindowProbeMs: t.zeroWindowProbeMs }),
    ...(t.queuePollMs !== undefined && { queuePollMs: t.queuePollMs }),
    ...(t.partialFrameMs !== undefined && { partialFrameTimeoutMs: t.partialFrameMs }),
  };
}

/**
 * The baseline sides of the mesh benchmark: what users have today, a plain Meshtastic client on
 * each kit's radio. The same kits send the same bytes at the same moments over the same simulated
 * radios, on the private portnum, with the firmware defaults (hop limit 3, LONG_FAST), and nothing
 * more: no application-level retry, no receipt, the user re-sends nothing. What is lost is lost.
 * Two ways to send (docs/meshtastic.md §2.5, §5.1, §5.2):
 *
 * - 'broadcast': a channel message, want_ack off: the mesh floods it once;
 * - 'dm': a direct message to the gateway's radio with want_ack, as a client's DM goes: the radio
 *   sends it up to three times until it hears a neighbour relay it (or the gateway's ACK), and
 *   the mesh floods it or, on 2.6+ radios once a route is learnt, hands it from next hop to next
 *   hop. The fair comparison for fieldnode, whose kits send to the gateway this way too.
 *
 * The firmware's Store & Forward cannot help either (§5.3: it stores only TEXT_MESSAGE_APP, needs
 * an ESP32 with PSRAM and serves no history on the default channel).
 *
 * A message counts as delivered when the gateway's device hands it to its phone (the to-phone
 * queue took it, §1.7); its latency runs from the moment the kit's client sent it.
 */

import { NUM_RELIABLE_RETX } from '../radio/sim/meshtastic/lora-timing.js';
import type { RouterFirmware } from '../radio/sim/meshtastic/mesh-router.js';
import type { ToPhoneOutcome } from '../radio/sim/meshtastic/to-phone-queues.js';
import type { MeshPacket } from '../radio/src/meshtastic/codec.js';
import { PortNum } from '../radio/src/meshtastic/constants.js';
import { GATEWAY, HOUR_MS, offers } from './mesh-scenario.js';
import { meshWorld, type SideResult } from './mesh-world.js';

/** How the plain client sends each report. */
export type BaselineSend = 'broadcast' | 'dm';

/** The settings the baselines run with: the firmware's defaults, stated in the benchmark's table. */
export const BASELINE_SETTINGS = {
  hopLimit: 3,
  preset: 'LONG_FAST',
  /** Transmissions a radio makes of a want_ack packet nobody answers (§2.5). */
  radioTransmissions: NUM_RELIABLE_RETX,
  applicationRetries: 0,
} as const;

const key = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export async function runBaselineSide(opts: {
  speedup: number;
  drainMs: number;
  /** The bytes of each offer, in offer order (the fieldnode side's frames). */
  frames: readonly Uint8Array[];
  send: BaselineSend;
  routerFirmware: RouterFirmware;
}): Promise<SideResult & { sendFailures: number }> {
  const world = await meshWorld({
    speedup: opts.speedup,
    routerFirmware: opts.routerFirmware,
    hopLimit: BASELINE_SETTINGS.hopLimit,
    // A plain client's DM names no packet it answers: its radios learn next hops from ACKs only.
    answerHeardPackets: false,
  });
  try {
    const { clock, startMs } = world;
    const offered = offers();
    const sentAt = new Map<string, number>();
    const deliveredAt = new Map<string, number>();
    const gateway = world.radios.get(GATEWAY);
    if (gateway === undefined) throw new Error('no gateway radio');
    gateway.device.on('toPhone', (p: MeshPacket, outcome: ToPhoneOutcome | 'dropped-down') => {
      if (outcome === 'dropped-full' || outcome === 'dropped-down') return;
      if (p.payloadVariant.case !== 'decoded' || p.payloadVariant.value.portnum !== PortNum.PRIVATE_APP)
        return;
      const k = key(p.payloadVariant.value.payload);
      if (sentAt.has(k) && !deliveredAt.has(k)) deliveredAt.set(k, clock.now());
    });
    // The link sends a DM with want_ack and the hop limit it is given; a broadcast without want_ack.
    const to = opts.send === 'dm' ? gateway.address : undefined;

    let sendFailures = 0;
    const sends: Promise<void>[] = [];
    for (const [i, o] of offered.entries()) {
      const bytes = opts.frames[i];
      const radio = world.radios.get(o.kit);
      if (bytes === undefined || bytes.length === 0 || radio === undefined) {
        throw new Error(`offer ${i}: no frame or no radio for kit ${o.kit}`);
      }
      clock.after(startMs + o.atMs - clock.now(), () => {
        sentAt.set(key(bytes), clock.now());
        sends.push(
          radio.link.send(bytes, to === undefined ? {} : { to }).then(
            (outcome) => {
              if (!outcome.ok) sendFailures++;
            },
            () => {
              sendFailures++;
            },
          ),
        );
      });
    }
    // No application retries to wait for: the radios' own retransmissions end within a minute.
    const lastOffer = Math.max(...offered.map((o) => o.atMs));
    const horizon = startMs + Math.min(lastOffer + opts.drainMs, HOUR_MS + opts.drainMs);
    while (clock.now() < horizon) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(sends);

    const latenciesS: number[] = [];
    for (const [k, at] of deliveredAt) {
      const from = sentAt.get(k);
      if (from !== undefined) latenciesS.push((at - from) / 1000);
    }
    return {
      offered: offered.length,
      shares: world.ledger.shares(),
      delivered: deliveredAt.size,
      latenciesS,
      airtimeMs: world.airtimeMs(),
      transmissions: world.network.medium.counters().transmissions,
      simulatedMin: (clock.now() - startMs) / 60_000,
      sendFailures,
    };
  } finally {
    await world.close();
  }
}

/**
 * The baseline side of the mesh benchmark: what users have today. The same kits send the same
 * bytes at the same moments over the same simulated radios, as a plain Meshtastic client does: broadcasts on the private portnum, want_ack off, hop limit 3 (docs/meshtastic.md §2.5,
 * §5.1), and nothing more: no application-level retry, no receipt. The mesh floods each
 * broadcast; what is lost is lost. The firmware's Store & Forward cannot help (§5.3: it stores
 * only TEXT_MESSAGE_APP, needs an ESP32 with PSRAM and serves no history on the default channel).
 *
 * A message counts as delivered when the gateway's device hands it to its phone (the to-phone
 * queue took it, §1.7); its latency runs from the moment the kit's client sent it.
 */

import type { ToPhoneOutcome } from '../radio/sim/meshtastic/to-phone-queues.js';
import type { MeshPacket } from '../radio/src/meshtastic/codec.js';
import { PortNum } from '../radio/src/meshtastic/constants.js';
import { GATEWAY, HOUR_MS, offers } from './mesh-scenario.js';
import { meshWorld, type SideResult } from './mesh-world.js';

const key = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export async function runBaselineSide(opts: {
  speedup: number;
  drainMs: number;
  /** The bytes of each offer, in offer order (the fieldnode side's frames). */
  frames: readonly Uint8Array[];
}): Promise<SideResult & { sendFailures: number }> {
  const world = await meshWorld(opts.speedup);
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
          radio.link.send(bytes).then(
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
    // No retries to wait for: the last flood is over within seconds of the last send.
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

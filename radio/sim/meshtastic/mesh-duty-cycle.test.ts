/**
 * The duty-cycle limit over the simulated medium (docs/meshtastic.md §4.4, §8.8 item 5):
 * "EU_868 refuses after 360 s TX per hour".
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { loraTimeOnAirMs } from '../../src/lora/airtime.js';
import { ModemPreset, QueueErrno, RegionCode, RoutingError } from '../../src/meshtastic/constants.js';
import { presetParams } from './lora-timing.js';
import { chainLinks, MeshNetwork, type MeshNodeSpec } from './mesh-network.js';
import { answers, clientPacket, received, tapPhone } from './mesh-test-helpers.js';

const AIR_200_LS = loraTimeOnAirMs(224, presetParams(ModemPreset.LONG_SLOW));

function net(nodes: MeshNodeSpec[], links = chainLinks(nodes.map((n) => n.num))) {
  const clock = new VirtualClock();
  const network = new MeshNetwork({ nodes, links, seed: 3, clock, preset: ModemPreset.LONG_SLOW });
  const phones = new Map(nodes.map((s) => [s.num, tapPhone(network.router(s.num), () => clock.now())]));
  return { clock, network, phone: (n: number) => phones.get(n)! };
}

/** Sends 200-B broadcasts from `node` every 20 s until one is refused; returns how many went out. */
function sendUntilRefused(network: MeshNetwork, clock: VirtualClock, node: number, max = 40): number {
  for (let i = 0; i < max; i++) {
    const res = network.router(node).sendToMesh(clientPacket({ bytes: 200, hopLimit: 0 })).res;
    if (res !== QueueErrno.OK) return i;
    clock.advance(20_000);
  }
  return max;
}

describe('duty cycle (§4.4)', () => {
  it('EU_868 refuses after 360 s TX per hour: NAK DUTY_CYCLE_LIMIT (from = self) for our own packet', () => {
    const { clock, network, phone } = net([{ num: 1, region: RegionCode.EU_868 }]);
    const accepted = sendUntilRefused(network, clock, 1);
    // 28 × 12.72 s = 356 s is under 10 % of an hour, the 29th takes it over: the 30th is refused.
    expect(accepted).toBe(Math.floor(360_000 / AIR_200_LS) + 1);
    const tx = network.router(1).txAirtimeLastHourMs();
    expect(tx).toBeGreaterThan(360_000);
    expect(tx).toBeLessThan(360_000 + AIR_200_LS);
    const refused = clientPacket({ bytes: 200, wantAck: true });
    expect(network.router(1).sendToMesh(refused).res).toBe(RoutingError.DUTY_CYCLE_LIMIT);
    expect(answers(phone(1), refused.id).map((a) => [a.routing, a.packet.from])).toEqual([
      [RoutingError.DUTY_CYCLE_LIMIT, 1],
    ]);
    expect(network.router(1).pendingAcks).toBe(0); // the local NAK ends the record
    // An hour after the first transmissions the budget is back.
    clock.advance(3_600_000);
    expect(network.router(1).sendToMesh(clientPacket({ bytes: 200 })).res).toBe(QueueErrno.OK);
  });

  it('a relay over its limit is dropped: no relay, no NAK, only the notification every refusal raises; its own phone still gets the packet', () => {
    const { clock, network, phone } = net([{ num: 1 }, { num: 2, region: RegionCode.EU_868 }, { num: 3 }]);
    sendUntilRefused(network, clock, 2);
    const notes: Array<{ replyId: number | undefined; message: string }> = [];
    network.router(2).onClientNotification((n) => notes.push({ replyId: n.replyId, message: n.message }));
    const p = clientPacket({ bytes: 50 });
    network.router(1).sendToMesh(p);
    clock.advance(120_000);
    expect(received(phone(2), p.id)).toHaveLength(1);
    expect(received(phone(3), p.id)).toHaveLength(0);
    expect(
      phone(2).filter((r) => r.routing === RoutingError.DUTY_CYCLE_LIMIT && r.requestId === p.id),
    ).toHaveLength(0);
    // Router::send raises it before it looks at whose packet it is (§4.4).
    expect(notes).toEqual([
      {
        replyId: p.id,
        message: expect.stringMatching(/^Duty cycle limit exceeded\. You can send again in \d+ mins$/),
      },
    ]);
  });

  it('CN (100 %) and override_duty_cycle are never limited', () => {
    for (const spec of [
      { num: 1, region: RegionCode.CN },
      { num: 1, region: RegionCode.EU_868, overrideDutyCycle: true },
    ]) {
      const { clock, network } = net([spec]);
      expect(sendUntilRefused(network, clock, 1, 35)).toBe(35);
      expect(network.router(1).txAirtimeLastHourMs()).toBeGreaterThan(400_000);
    }
  });
});

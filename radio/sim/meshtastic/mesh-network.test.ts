/**
 * Whole simulated meshes (mesh-network.ts): determinism for a seed, per-link loss as configured,
 * a 20-node mesh from positions, and nodes with no host.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { loraTimeOnAirMs } from '../../src/lora/airtime.js';
import { DeviceRole, ModemPreset, RoutingError } from '../../src/meshtastic/constants.js';
import { presetParams } from './lora-timing.js';
import { chainLinks, fullMeshLinks, MeshNetwork } from './mesh-network.js';
import { answers, clientPacket, received, tapPhone } from './mesh-test-helpers.js';
import { randomPositions } from './path-loss.js';

/** A lossy 6-node mesh with mixed traffic; returns its trace. */
function lossyRun(seed: number): string[] {
  const clock = new VirtualClock();
  const nums = [1, 2, 3, 4, 5, 6];
  const network = new MeshNetwork({
    nodes: nums.map((num) => ({ num })),
    links: [...chainLinks(nums, { loss: 0.25 }), { a: 1, b: 3, loss: 0.5 }, { a: 4, b: 6, loss: 0.5 }],
    seed,
    clock,
  });
  const trace = network.recordTrace();
  for (let i = 0; i < 8; i++) {
    const to = i % 3 === 0 ? { to: 6 } : {};
    network.router(nums[i % 6] ?? 1).sendToMesh(clientPacket({ id: 100 + i, wantAck: i % 2 === 0, ...to }));
    clock.advance(3_000);
  }
  clock.advance(300_000);
  return trace;
}

describe('determinism', () => {
  it('same seed → identical event trace; different seed → different', () => {
    const a = lossyRun(7);
    expect(a.length).toBeGreaterThan(50);
    expect(lossyRun(7)).toEqual(a);
    expect(lossyRun(8)).not.toEqual(a);
  });
});

describe('per-link loss', () => {
  it('20 % per-link loss: about 80 % of 1000 broadcasts reach the neighbour’s phone (± 3 %)', () => {
    const clock = new VirtualClock();
    const network = new MeshNetwork({
      nodes: [{ num: 1 }, { num: 2, role: DeviceRole.CLIENT_MUTE }],
      links: [{ a: 1, b: 2, loss: 0.2 }],
      seed: 2024,
      clock,
    });
    const phone = tapPhone(network.router(2), () => clock.now());
    for (let i = 0; i < 1000; i++) {
      network.router(1).sendToMesh(clientPacket({ hopLimit: 0, bytes: 20 }));
      clock.advance(2_000);
    }
    const ratio = phone.length / 1000;
    expect(ratio).toBeGreaterThan(0.77);
    expect(ratio).toBeLessThan(0.83);
    expect(network.medium.counters().losses).toBe(1000 - phone.length);
  });
});

describe('time on air through the router (§2.4, §4.3)', () => {
  it.each([
    [ModemPreset.LONG_FAST, 50, 73, 805],
    [ModemPreset.LONG_FAST, 100, 123, 1174],
    [ModemPreset.LONG_FAST, 200, 224, 1911],
    [ModemPreset.LONG_SLOW, 50, 73, 4858],
    [ModemPreset.LONG_SLOW, 100, 123, 7479],
    [ModemPreset.LONG_SLOW, 200, 224, 12722],
  ])('preset %i: a %i B PRIVATE_APP broadcast is %i PHY bytes and %i ms on air', (preset, app, phy, ms) => {
    const clock = new VirtualClock();
    const network = new MeshNetwork({ nodes: [{ num: 1 }], seed: 1, clock, preset });
    const tx: Array<{ bytes: number; airtimeMs: number }> = [];
    network.medium.onEvent((e) => {
      if (e.type === 'tx') tx.push({ bytes: e.bytes, airtimeMs: e.airtimeMs });
    });
    network.router(1).sendToMesh(clientPacket({ bytes: app }));
    clock.advance(60_000);
    expect(tx).toHaveLength(1);
    expect(tx[0]?.bytes).toBe(phy);
    expect(tx[0]?.airtimeMs).toBe(loraTimeOnAirMs(phy, presetParams(preset)));
    expect(Math.round(tx[0]?.airtimeMs ?? 0)).toBe(ms);
    expect(network.medium.counters().byNode.get(1)?.airtimeMs).toBe(tx[0]?.airtimeMs);
  });
});

describe('nodes with no host', () => {
  it('a router nobody attaches a phone to still relays, ACKs nothing for others, and keeps no inbox', () => {
    const clock = new VirtualClock();
    const network = new MeshNetwork({
      nodes: [{ num: 1 }, { num: 2 }, { num: 3 }],
      links: chainLinks([1, 2, 3]),
      seed: 1,
      clock,
    });
    const p1 = tapPhone(network.router(1), () => clock.now());
    const p3 = tapPhone(network.router(3), () => clock.now());
    const p = clientPacket({ to: 3, wantAck: true });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(received(p3, p.id)).toHaveLength(1);
    expect(answers(p1, p.id).map((a) => a.packet.from)).toEqual([1, 3]);
    expect(network.router(2).stats().txRelay).toBe(2); // the DM and the ACK
  });
});

describe('a 20-node mesh from positions', () => {
  it('floods want_ack broadcasts across a 12 km square on LONG_FAST: over 80 % reach, every sender gets an implicit ACK or MAX_RETRANSMIT', () => {
    const clock = new VirtualClock();
    const positions = randomPositions(20, 12_000, seededRandom(99));
    const nodes = positions.map((position, i) => ({ num: 0x100 + i, position, hopLimit: 5 }));
    const network = new MeshNetwork({ nodes, pathLoss: {}, seed: 99, clock });
    const phones = nodes.map((n) => tapPhone(network.router(n.num), () => clock.now()));
    const sent = [];
    for (let i = 0; i < 10; i++) {
      const p = clientPacket({ hopLimit: 5, wantAck: true, bytes: 100 });
      sent.push(p);
      network.router(nodes[(i * 7) % 20]?.num ?? 0x100).sendToMesh(p);
      clock.advance(30_000);
    }
    clock.advance(300_000);
    // Reach: of the 19 other nodes, most get each broadcast.
    const reach = sent.map((p) => phones.filter((ph) => received(ph, p.id).length > 0).length);
    expect(reach.reduce((a, b) => a + b) / (10 * 19)).toBeGreaterThan(0.8);
    // Every sender heard a relay (implicit ACK) or gave up after its 3 transmissions.
    const outcomes = sent.map((p, i) => answers(phones[(i * 7) % 20] ?? [], p.id)[0]?.routing);
    expect(outcomes.every((o) => o === RoutingError.NONE || o === RoutingError.MAX_RETRANSMIT)).toBe(true);
    expect(outcomes.filter((o) => o === RoutingError.NONE).length).toBeGreaterThanOrEqual(8);
    const c = network.medium.counters();
    expect(c.transmissions).toBeGreaterThan(10);
    expect([...c.byNode.values()].every((n) => n.airtimeMs >= 0)).toBe(true);
  });

  it('links given explicitly override those from positions', () => {
    const network = new MeshNetwork({
      nodes: [
        { num: 1, position: { x: 0, y: 0 } },
        { num: 2, position: { x: 100, y: 0 } },
      ],
      pathLoss: {},
      links: [{ a: 1, b: 2, loss: 1 }],
      seed: 1,
    });
    expect(network.medium.link(1, 2)?.loss).toBe(1);
    expect(() => new MeshNetwork({ nodes: [{ num: 1 }], links: fullMeshLinks([1, 9]), seed: 1 })).toThrow(
      RangeError,
    );
  });
});

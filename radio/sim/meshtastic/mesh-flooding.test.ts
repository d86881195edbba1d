/**
 * Managed flooding over the simulated medium (docs/meshtastic.md §5.1, §2.3): hop limits,
 * rebroadcast suppression, role and rebroadcast-mode filters, implicit ACKs from relays.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { DeviceRole, PortNum, RebroadcastMode, RoutingError } from '../../src/meshtastic/constants.js';
import { channelHash, expandPsk } from './channel-crypto.js';
import { chainLinks, fullMeshLinks, MeshNetwork, type MeshNodeSpec } from './mesh-network.js';
import type { RouterEvent } from './mesh-router.js';
import { answers, clientPacket, received, tapPhone } from './mesh-test-helpers.js';

function net(nodes: Array<number | MeshNodeSpec>, links: ReturnType<typeof chainLinks>, seed = 1) {
  const clock = new VirtualClock();
  const specs = nodes.map((n) => (typeof n === 'number' ? { num: n } : n));
  const network = new MeshNetwork({ nodes: specs, links, seed, clock });
  const phones = new Map(specs.map((s) => [s.num, tapPhone(network.router(s.num), () => clock.now())]));
  const events: RouterEvent[] = [];
  for (const s of specs) network.router(s.num).onEvent((e) => events.push(e));
  const phone = (n: number) => phones.get(n)!;
  const txOf = (node: number, id: number) =>
    events.filter((e) => e.type === 'tx' && e.node === node && e.id === id);
  return { clock, network, phone, events, txOf };
}

describe('hop limit (§5.1)', () => {
  it('FloodingRouter: hop limit 3 on a chain reaches 3 relays out — D with hop_limit 1, E with 0 — and not F', () => {
    const nodes = [1, 2, 3, 4, 5, 6];
    const { clock, network, phone } = net(nodes, chainLinks(nodes));
    const p = clientPacket({ hopLimit: 3 });
    expect(network.router(1).sendToMesh(p).res).toBe(0);
    clock.advance(120_000);
    const at = (n: number) => received(phone(n), p.id);
    expect(at(2)[0]?.packet).toMatchObject({ hopLimit: 3, hopStart: 3, from: 1, relayNode: 1 });
    expect(at(3)[0]?.packet).toMatchObject({ hopLimit: 2, hopStart: 3, relayNode: 2 });
    expect(at(4)[0]?.packet).toMatchObject({ hopLimit: 1, hopStart: 3, relayNode: 3 });
    expect(at(5)[0]?.packet).toMatchObject({ hopLimit: 0, hopStart: 3, relayNode: 4 });
    expect(at(6)).toHaveLength(0);
    for (const n of [2, 3, 4, 5]) expect(at(n)).toHaveLength(1);
  });

  it('FloodingRouter: with hop limit 2 the 5th node of a chain A–B–C–D–E is beyond reach', () => {
    const nodes = [1, 2, 3, 4, 5];
    const { clock, network, phone } = net(nodes, chainLinks(nodes));
    const p = clientPacket({ hopLimit: 2 });
    network.router(1).sendToMesh(p);
    clock.advance(120_000);
    expect(received(phone(4), p.id)).toHaveLength(1);
    expect(received(phone(5), p.id)).toHaveLength(0);
  });

  it('hop_limit 0 means no relay: only the direct neighbour hears it', () => {
    const nodes = [1, 2, 3];
    const { clock, network, phone, events } = net(nodes, chainLinks(nodes));
    const p = clientPacket({ hopLimit: 0 });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(received(phone(2), p.id)).toHaveLength(1);
    expect(received(phone(3), p.id)).toHaveLength(0);
    expect(events.filter((e) => e.type === 'relay-queued')).toHaveLength(0);
  });

  it('broadcasts we originate are not echoed to our own phone, even when relayed back to us', () => {
    const nodes = [1, 2];
    const { clock, network, phone } = net(nodes, chainLinks(nodes));
    const p = clientPacket();
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(received(phone(1), p.id)).toHaveLength(0);
  });
});

describe('rebroadcast suppression (§5.1)', () => {
  it('perhapsCancelDupe: in a full mesh of clients one relays and the others cancel on hearing it', () => {
    const nodes = [1, 2, 3, 4, 5];
    const { clock, network, phone, txOf } = net(nodes, fullMeshLinks(nodes));
    const p = clientPacket();
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    const relays = [2, 3, 4, 5].map((n) => txOf(n, p.id).length);
    expect(relays.reduce((a, b) => a + b)).toBe(1);
    const cancelled = [2, 3, 4, 5].map((n) => network.router(n).stats().txRelayCanceled);
    expect(cancelled.reduce((a, b) => a + b)).toBe(3);
    for (const n of [2, 3, 4, 5]) expect(received(phone(n), p.id)).toHaveLength(1);
  });

  it('ROUTER does not cancel: every router in a full mesh relays once', () => {
    const nodes: MeshNodeSpec[] = [
      { num: 1 },
      ...[2, 3, 4].map((num) => ({ num, role: DeviceRole.ROUTER, rebroadcastMode: RebroadcastMode.ALL })),
    ];
    const { clock, network, txOf } = net(nodes, fullMeshLinks([1, 2, 3, 4]));
    const p = clientPacket();
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect([2, 3, 4].map((n) => txOf(n, p.id).length)).toEqual([1, 1, 1]);
  });

  it('ROUTER_LATE does not cancel: it relays after the client that went first', () => {
    const nodes: MeshNodeSpec[] = [
      { num: 1 },
      { num: 2 },
      { num: 3, role: DeviceRole.ROUTER_LATE, rebroadcastMode: RebroadcastMode.ALL },
    ];
    for (let seed = 1; seed <= 5; seed++) {
      const { clock, network, txOf } = net(nodes, fullMeshLinks([1, 2, 3]), seed);
      const p = clientPacket();
      network.router(1).sendToMesh(p);
      clock.advance(60_000);
      const [early] = [...txOf(2, p.id), ...txOf(3, p.id)].sort((a, b) => a.at - b.at);
      expect(txOf(3, p.id)).toHaveLength(1);
      if (early?.node === 2) expect(txOf(3, p.id)[0]?.at).toBeGreaterThan(early.at);
    }
  });

  it('ROUTER relays ahead of CLIENTs: a client that hears the router first cancels', () => {
    // 1 is heard by 2 (router) and 3 (client); 2 and 3 hear each other; 4 hears only 3 and 2.
    const nodes: MeshNodeSpec[] = [
      { num: 1 },
      { num: 2, role: DeviceRole.ROUTER, rebroadcastMode: RebroadcastMode.ALL },
      { num: 3 },
      { num: 4 },
    ];
    const links = [...fullMeshLinks([1, 2, 3]), { a: 2, b: 4 }, { a: 3, b: 4 }];
    for (let seed = 1; seed <= 10; seed++) {
      const { clock, network, txOf } = net(nodes, links, seed);
      const p = clientPacket();
      network.router(1).sendToMesh(p);
      clock.advance(60_000);
      expect(txOf(2, p.id)).toHaveLength(1);
      expect(txOf(3, p.id)).toHaveLength(0);
    }
  });

  it('each relay transmits a packet at most once: 30 broadcasts over a 12-node grid', () => {
    // A 4×3 grid, each node linked to its horizontal and vertical neighbours.
    const nums = Array.from({ length: 12 }, (_, i) => i + 1);
    const links = nums.flatMap((n) => {
      const out = [];
      if (n % 4 !== 0) out.push({ a: n, b: n + 1 });
      if (n + 4 <= 12) out.push({ a: n, b: n + 4 });
      return out;
    });
    const { clock, network, events } = net(nums, links, 5);
    for (let i = 0; i < 30; i++) {
      network.router(nums[i % 12]!).sendToMesh(clientPacket({ hopLimit: 7 }));
      clock.advance(7_000);
    }
    clock.advance(120_000);
    const perNodePacket = new Map<string, number>();
    for (const e of events.filter((e) => e.type === 'tx')) {
      const k = `${e.node}/${e.from}:${e.id}`;
      perNodePacket.set(k, (perNodePacket.get(k) ?? 0) + 1);
    }
    expect(Math.max(...perNodePacket.values())).toBe(1);
    expect(events.filter((e) => e.type === 'relay-cancelled').length).toBeGreaterThan(0);
  });
});

describe('role and rebroadcast-mode filters (§2.3)', () => {
  it('CORE_PORTNUMS_ONLY (ROUTER default) drops portnum 256: neither relayed nor handed to its phone', () => {
    const nodes: MeshNodeSpec[] = [{ num: 1 }, { num: 2, role: DeviceRole.ROUTER }, { num: 3 }];
    const { clock, network, phone } = net(nodes, chainLinks([1, 2, 3]));
    expect(network.router(2).rebroadcastMode).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    const priv = clientPacket({ portnum: PortNum.PRIVATE_APP });
    const text = clientPacket({ portnum: PortNum.TEXT_MESSAGE_APP });
    network.router(1).sendToMesh(priv);
    clock.advance(30_000);
    network.router(1).sendToMesh(text);
    clock.advance(30_000);
    expect(received(phone(2), priv.id)).toHaveLength(0);
    expect(received(phone(3), priv.id)).toHaveLength(0);
    expect(received(phone(3), text.id)).toHaveLength(1);
  });

  it('CORE_PORTNUMS_ONLY: 2.6 blacklist passes portnum 300 and drops 257; the 2.7.5 whitelist drops 300', () => {
    for (const [firmware, passes300] of [
      ['2.6', true],
      ['2.7.5', false],
    ] as const) {
      const nodes: MeshNodeSpec[] = [{ num: 1 }, { num: 2, role: DeviceRole.ROUTER, firmware }, { num: 3 }];
      const { clock, network, phone } = net(nodes, chainLinks([1, 2, 3]));
      const p300 = clientPacket({ portnum: 300 });
      const p257 = clientPacket({ portnum: PortNum.ATAK_FORWARDER });
      network.router(1).sendToMesh(p300);
      clock.advance(30_000);
      network.router(1).sendToMesh(p257);
      clock.advance(30_000);
      expect(received(phone(3), p300.id)).toHaveLength(passes300 ? 1 : 0);
      expect(received(phone(3), p257.id)).toHaveLength(0);
    }
  });

  it('CLIENT_MUTE and rebroadcast_mode NONE do not relay (but do receive)', () => {
    for (const spec of [
      { num: 2, role: DeviceRole.CLIENT_MUTE },
      { num: 2, rebroadcastMode: RebroadcastMode.NONE },
    ]) {
      const { clock, network, phone } = net([1, spec, 3], chainLinks([1, 2, 3]));
      const p = clientPacket();
      network.router(1).sendToMesh(p);
      clock.advance(60_000);
      expect(received(phone(2), p.id)).toHaveLength(1);
      expect(received(phone(3), p.id)).toHaveLength(0);
    }
  });

  it('LOCAL_ONLY does not relay a foreign channel; ALL does', () => {
    const ops = [{ name: 'ops', psk: Uint8Array.of(1) }];
    for (const [mode, relays] of [
      [RebroadcastMode.LOCAL_ONLY, false],
      [RebroadcastMode.ALL, true],
    ] as const) {
      const nodes: MeshNodeSpec[] = [
        { num: 1, channels: ops },
        { num: 2, rebroadcastMode: mode },
        { num: 3, channels: ops },
      ];
      const { clock, network, phone } = net(nodes, chainLinks([1, 2, 3]));
      const p = clientPacket();
      network.router(1).sendToMesh(p);
      clock.advance(60_000);
      expect(received(phone(3), p.id)).toHaveLength(relays ? 1 : 0);
      // The relay cannot read it: its phone gets it `encrypted`, with the channel hash as channel.
      const atRelay = received(phone(2), p.id)[0]?.packet;
      expect(atRelay?.payloadVariant.case).toBe('encrypted');
      expect(atRelay?.channel).toBe(channelHash('ops', expandPsk(Uint8Array.of(1))));
    }
  });
});

describe('implicit ACK from a relay (§2.5, §5.1)', () => {
  it('ReliableRouter: a want_ack broadcast relayed by B gives A’s phone an implicit ACK (from = A) and no retransmission', () => {
    const { clock, network, phone, txOf } = net([1, 2], chainLinks([1, 2]));
    const p = clientPacket({ wantAck: true });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    const acks = answers(phone(1), p.id);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ routing: RoutingError.NONE });
    expect(acks[0]?.packet).toMatchObject({ from: 1, to: 1 });
    expect(txOf(1, p.id)).toHaveLength(1);
    expect(network.router(1).pendingAcks).toBe(0);
  });

  it('FloodingRouter: the originator repeating (B→A lost) is relayed again by B each time, then MAX_RETRANSMIT', () => {
    const { clock, network, phone, txOf } = net([1, 2], [{ a: 1, b: 2, oneWay: true }]);
    const p = clientPacket({ wantAck: true });
    network.router(1).sendToMesh(p);
    clock.advance(120_000);
    expect(txOf(1, p.id)).toHaveLength(3);
    expect(txOf(2, p.id)).toHaveLength(3);
    expect(received(phone(2), p.id)).toHaveLength(1);
    expect(answers(phone(1), p.id).map((a) => a.routing)).toEqual([RoutingError.MAX_RETRANSMIT]);
  });
});

/**
 * Next-hop routing of direct messages over the simulated medium, firmware 2.6 and later, against
 * pre-2.6 flooding (docs/meshtastic.md §5.2): the first DM floods, the relayer is learnt from the
 * returning ACK, only the next hop relays and retransmits on its own account, the last
 * retransmission floods, hops through older firmware flood, and the loss mode of asymmetric
 * links (firmware#6844, #7839).
 *
 * Node numbers are small, so each one's last byte (what `next_hop` and `relay_node` carry) is the
 * number itself.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { RoutingError } from '../../src/meshtastic/constants.js';
import { chainLinks, type MeshLinkSpec, MeshNetwork, type MeshNodeSpec } from './mesh-network.js';
import type { RouterEvent, RouterFirmware } from './mesh-router.js';
import { answers, clientPacket, received, tapPhone } from './mesh-test-helpers.js';

const A = 1;
const B = 2;
const C = 3;
const D = 4;
const E = 5;

function net(nodes: Array<number | MeshNodeSpec>, links: MeshLinkSpec[], routerFirmware?: RouterFirmware) {
  const clock = new VirtualClock();
  const specs = nodes.map((n) => (typeof n === 'number' ? { num: n } : n));
  const network = new MeshNetwork({
    nodes: specs,
    links,
    seed: 7,
    clock,
    ...(routerFirmware !== undefined && { routerFirmware }),
  });
  const phones = new Map(specs.map((s) => [s.num, tapPhone(network.router(s.num), () => clock.now())]));
  const events: RouterEvent[] = [];
  for (const s of specs) network.router(s.num).onEvent((e) => events.push(e));
  const phone = (n: number) => phones.get(n) ?? [];
  const txOf = (node: number, id: number) =>
    events.filter((e) => e.type === 'tx' && e.node === node && e.id === id);
  /** A want_ack DM from `from` to `to`, run for `ms`; its id. */
  const dm = (from: number, to: number, ms = 120_000): number => {
    const p = clientPacket({ to, wantAck: true });
    network.router(from).sendToMesh(p);
    clock.advance(ms);
    return p.id;
  };
  const cut = (a: number, b: number) => {
    network.medium.removeLink(a, b);
    network.medium.removeLink(b, a);
  };
  return { clock, network, phone, events, txOf, dm, cut };
}

describe('the first DM floods, and the next hop is learnt from the ACK (§5.2)', () => {
  it('a first DM carries no next hop and every relay in reach takes it up; the ACK cancels the copies still waiting', () => {
    // Two disjoint paths A–C–B and A–D–B; C and D do not hear each other.
    const { txOf, phone, events, dm } = net(
      [A, B, C, D],
      [...chainLinks([A, C, B]), ...chainLinks([A, D, B])],
    );
    const id = dm(A, B);
    expect(txOf(A, id).map((e) => e.nextHop)).toEqual([0]);
    const queued = events.filter((e) => e.type === 'relay-queued' && e.id === id);
    expect(queued.map((e) => [e.node, e.nextHop]).sort()).toEqual([
      [C, 0],
      [D, 0],
    ]);
    // Each relays it, or hears B's ACK while its copy still waits and drops it (sniffReceived).
    const answered = (r: number) =>
      events.some(
        (e) => e.type === 'relay-cancelled' && e.node === r && e.id === id && e.reason === 'answered',
      );
    for (const r of [C, D]) expect(txOf(r, id)).toHaveLength(answered(r) ? 0 : 1);
    expect([C, D].filter(answered)).toHaveLength(1);
    expect(received(phone(B), id)).toHaveLength(1);
  });

  it('NextHopRouter::sniffReceived: the relayer of the returning ACK that also relayed the DM becomes the next hop, at the sender and along the way', () => {
    const { network, events, dm } = net([A, B, C], chainLinks([A, C, B]));
    dm(A, B);
    expect(network.router(A).nextHopFor(B)).toBe(C);
    // C relayed the DM and heard the ACK straight from B: B is its own next hop.
    expect(network.router(C).nextHopFor(B)).toBe(B);
    // B never heard an answer from A: its ACK floods.
    expect(network.router(B).nextHopFor(A)).toBeUndefined();
    expect(
      events.filter((e) => e.type === 'next-hop-learnt').map((e) => [e.node, e.from, e.nextHop]),
    ).toEqual([
      [C, B, B],
      [A, B, C],
    ]);
  });

  it('a pre-2.6 mesh learns nothing: every DM floods, with both header bytes 0 on air', () => {
    const { network, txOf, phone, dm } = net([A, B, C], chainLinks([A, C, B]), 'pre-2.6');
    dm(A, B);
    const id = dm(A, B);
    expect(network.router(A).nextHopFor(B)).toBeUndefined();
    expect(txOf(A, id).map((e) => e.nextHop)).toEqual([0]);
    expect(txOf(C, id)).toHaveLength(1);
    expect(received(phone(B), id)[0]?.packet).toMatchObject({ relayNode: 0, nextHop: 0 });
  });
});

describe('only the next hop relays (§5.2)', () => {
  it('once learnt, the other relay in reach hears the DM and leaves it: only the next hop puts it on air', () => {
    const { network, txOf, phone, events, dm } = net(
      [A, B, C, D],
      [...chainLinks([A, C, B]), ...chainLinks([A, D, B])],
    );
    dm(A, B);
    const hop = network.router(A).nextHopFor(B);
    expect([C, D]).toContain(hop);
    const other = hop === C ? D : C;
    const id = dm(A, B);
    expect(txOf(A, id).map((e) => e.nextHop)).toEqual([hop]);
    expect(txOf(hop ?? 0, id)).toHaveLength(1);
    expect(txOf(other, id)).toHaveLength(0);
    expect(
      events.some((e) => e.type === 'relay-dropped' && e.node === other && e.reason === 'not-next-hop'),
    ).toBe(true);
    expect(received(phone(B), id)).toHaveLength(1);
    expect(answers(phone(A), id).map((a) => [a.routing, a.packet.from])).toEqual([
      [RoutingError.NONE, A],
      [RoutingError.NONE, B],
    ]);
  });

  it('each hop puts in its own next hop: A → C (next hop E) → E (next hop B) → B', () => {
    const { txOf, dm } = net([A, B, C, E], chainLinks([A, C, E, B]));
    dm(A, B);
    const id = dm(A, B);
    expect([A, C, E].map((n) => txOf(n, id).map((e) => e.nextHop))).toEqual([[C], [E], [B]]);
  });
});

describe("a relay's own retransmission (§5.2, NUM_INTERMEDIATE_RETX)", () => {
  it('hearing its next hop pass the DM on ends the relay’s record: no retransmission', () => {
    const { network, txOf, events, dm } = net([A, B, C, E], chainLinks([A, C, E, B]));
    dm(A, B);
    const id = dm(A, B);
    expect(txOf(C, id)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'retransmit' && e.id === id)).toHaveLength(0);
    expect(network.router(C).pendingRelays).toBe(0);
  });

  it('not hearing it, the relay retransmits once, flooded, and forgets that next hop', () => {
    const { network, txOf, phone, events, dm, clock } = net([A, B, C, E], chainLinks([A, C, E, B]));
    dm(A, B);
    expect(network.router(C).nextHopFor(B)).toBe(E);
    // From now on C no longer hears E (E still hears C): neither E's relay nor B's ACK reach C.
    network.medium.removeLink(E, C);
    const p = clientPacket({ to: B, wantAck: true });
    network.router(A).sendToMesh(p);
    clock.advance(3_000);
    expect(network.router(C).pendingRelays).toBe(1);
    clock.advance(120_000);
    expect(txOf(C, p.id).map((e) => e.nextHop)).toEqual([E, 0]);
    expect(events.filter((e) => e.type === 'retransmit' && e.node === C && e.id === p.id)).toHaveLength(1);
    expect(network.router(C).nextHopFor(B)).toBeUndefined();
    expect(network.router(C).pendingRelays).toBe(0);
    // Hop by hop only: A was content with C's relay (its implicit ACK) and B got the DM once.
    expect(txOf(A, p.id)).toHaveLength(1);
    expect(received(phone(B), p.id)).toHaveLength(1);
  });
});

describe('the last retransmission falls back to flooding (§5.2)', () => {
  it('with its next hop gone, the sender tries it twice, then floods and forgets it; another relay carries the third copy', () => {
    const { network, txOf, phone, events, dm, cut } = net([A, B, C, D], chainLinks([A, C, B]));
    dm(A, B);
    expect(network.router(A).nextHopFor(B)).toBe(C);
    cut(A, C);
    cut(C, B);
    for (const [a, b] of [
      [A, D],
      [D, B],
    ] as const)
      network.medium.setSymmetricLink(a, b);
    const id = dm(A, B);
    expect(txOf(A, id).map((e) => e.nextHop)).toEqual([C, C, 0]);
    // D heard the first two and left them (not its next hop); it relays the flooded third.
    const dropped = events.filter((e) => e.type === 'relay-dropped' && e.node === D && e.id === id);
    expect(dropped.map((e) => e.reason)).toEqual(['not-next-hop', 'not-next-hop']);
    expect(txOf(D, id)).toHaveLength(1);
    expect(txOf(D, id)[0]?.at).toBeGreaterThan(txOf(A, id)[2]?.at ?? Number.POSITIVE_INFINITY);
    expect(received(phone(B), id)).toHaveLength(1);
    // The ACK came back through D, which relayed the DM too: the route is learnt anew.
    expect(network.router(A).nextHopFor(B)).toBe(D);
    expect(answers(phone(A), id).map((a) => a.routing)).toEqual([RoutingError.NONE, RoutingError.NONE]);
  });
});

describe('hops through older firmware flood (§5.2)', () => {
  it('a pre-2.6 relay sends its copies with relay byte 0, so no next hop is learnt through it', () => {
    const { network, txOf, phone, dm } = net(
      [A, B, { num: C, routerFirmware: 'pre-2.6' }],
      chainLinks([A, C, B]),
    );
    const first = dm(A, B);
    expect(received(phone(B), first)[0]?.packet).toMatchObject({ relayNode: 0, nextHop: 0 });
    expect(network.router(A).nextHopFor(B)).toBeUndefined();
    const second = dm(A, B);
    expect(txOf(A, second).map((e) => e.nextHop)).toEqual([0]);
    expect(received(phone(B), second)).toHaveLength(1);
  });

  it('a pre-2.6 relay ignores the next hop of a directed DM and floods it on', () => {
    const { network, txOf, phone, events, dm } = net(
      [A, B, C, { num: D, routerFirmware: 'pre-2.6' }],
      chainLinks([A, C, B]),
    );
    dm(A, B);
    for (const [a, b] of [
      [A, D],
      [D, B],
    ] as const)
      network.medium.setSymmetricLink(a, b);
    const id = dm(A, B);
    expect(txOf(A, id).map((e) => e.nextHop)).toEqual([C]);
    // D takes it up although C is named; its copy is flooded (it may still hear B's ACK and drop it).
    const queued = events.filter((e) => e.type === 'relay-queued' && e.node === D && e.id === id);
    expect(queued.map((e) => e.nextHop)).toEqual([0]);
    expect(received(phone(B), id)).toHaveLength(1);
  });
});

describe('the loss mode of asymmetric links (firmware#6844, #7839)', () => {
  /**
   * A reaches B only through C, but hears B directly (B → A one way). A's first DM floods through
   * C; B's ACK reaches A straight from B, which 2.6.x takes for a direct route: A learns B as
   * B's next hop, and B never hears what A sends it that way.
   */
  const asymmetric = (routerFirmware: RouterFirmware) =>
    net([A, B, C], [...chainLinks([A, C, B]), { a: B, b: A, oneWay: true }], routerFirmware);

  it('2.6+: A learns a next hop B cannot hear: of each later DM only the flooded last transmission gets through, two intervals late', () => {
    const { network, txOf, phone, dm } = asymmetric('2.6+');
    dm(A, B);
    expect(network.router(A).nextHopFor(B)).toBe(B);
    const id = dm(A, B);
    expect(txOf(A, id).map((e) => e.nextHop)).toEqual([B, B, 0]);
    expect(txOf(C, id)).toHaveLength(1);
    const deliveredAt = received(phone(B), id)[0]?.at ?? Number.POSITIVE_INFINITY;
    expect(deliveredAt).toBeGreaterThan(txOf(A, id)[2]?.at ?? 0);
    // Its ACK again comes straight from B: the wrong next hop is learnt again, every time.
    expect(network.router(A).nextHopFor(B)).toBe(B);
  });

  it('pre-2.6 on the same links: every DM goes through C on its first transmission', () => {
    const { txOf, phone, dm, clock } = asymmetric('pre-2.6');
    dm(A, B);
    const sentAt = clock.now();
    const id = dm(A, B);
    expect(txOf(A, id)).toHaveLength(1);
    expect((received(phone(B), id)[0]?.at ?? Number.POSITIVE_INFINITY) - sentAt).toBeLessThan(5_000);
  });

  it('so a loss that flooding survives loses the DM: C → B fails from 10 s after the send, and 2.6+ never delivers', () => {
    for (const [routerFirmware, delivered] of [
      ['pre-2.6', 1],
      ['2.6+', 0],
    ] as const) {
      const { network, phone, dm, clock } = asymmetric(routerFirmware);
      dm(A, B);
      const p = clientPacket({ to: B, wantAck: true });
      network.router(A).sendToMesh(p);
      clock.advance(10_000);
      network.medium.removeLink(C, B);
      clock.advance(120_000);
      expect(received(phone(B), p.id)).toHaveLength(delivered);
      // The sender is told nothing of it: C's relay of the flooded copy was its implicit ACK.
      expect(answers(phone(A), p.id)[0]?.routing).toBe(RoutingError.NONE);
    }
  });
});

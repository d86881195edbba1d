/**
 * The ReliableRouter and the send path over the simulated medium (docs/meshtastic.md §1.8,
 * §2.4, §2.5, §2.7, §8.8 "ACK behaviour"): real and implicit ACKs, 3 transmissions then
 * MAX_RETRANSMIT at the preset's timing, remote and local NAKs, the TX queue's res codes.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { loraTimeOnAirMs, meshtasticPhyBytes } from '../../src/lora/airtime.js';
import {
  ModemPreset,
  PortNum,
  Priority,
  QueueErrno,
  RegionCode,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { presetParams, retransmissionIntervalMs } from './lora-timing.js';
import { chainLinks, MeshNetwork, type MeshNetworkOptions, type MeshNodeSpec } from './mesh-network.js';
import type { RouterEvent } from './mesh-router.js';
import { answers, clientPacket, received, tapPhone } from './mesh-test-helpers.js';

function net(
  nodes: Array<number | MeshNodeSpec>,
  links: MeshNetworkOptions['links'] = [],
  more: Partial<MeshNetworkOptions> = {},
) {
  const clock = new VirtualClock();
  const specs = nodes.map((n) => (typeof n === 'number' ? { num: n } : n));
  const network = new MeshNetwork({ nodes: specs, links, seed: 11, clock, ...more });
  const phones = new Map(specs.map((s) => [s.num, tapPhone(network.router(s.num), () => clock.now())]));
  const events: RouterEvent[] = [];
  for (const s of specs) network.router(s.num).onEvent((e) => events.push(e));
  const phone = (n: number) => phones.get(n)!;
  const txOf = (node: number, id?: number) =>
    events.filter((e) => e.type === 'tx' && e.node === node && (id === undefined || e.id === id));
  return { clock, network, phone, events, txOf };
}

describe('real ACK (§2.5)', () => {
  it('ReliableRouter: a want_ack DM to a neighbour is ACKed by the destination (from = destination), sent once', () => {
    const { clock, network, phone, txOf } = net([1, 2], chainLinks([1, 2], { snr: 6.5, rssi: -90 }), {
      nodes: [{ num: 1 }, { num: 2, deviceTimeSec: () => 1_700_000_000 + Math.floor(clock.now() / 1000) }],
    });
    const p = clientPacket({ to: 2, wantAck: true, bytes: 50 });
    expect(network.router(1).sendToMesh(p)).toEqual({ res: 0, free: 15, maxlen: 16 });
    clock.advance(60_000);
    const got = received(phone(2), p.id);
    expect(got).toHaveLength(1);
    expect(got[0]?.packet).toMatchObject({
      from: 1,
      to: 2,
      rxSnr: 6.5,
      rxRssi: -90,
      hopStart: 3,
      hopLimit: 3,
      wantAck: true,
    });
    // rx_time is the device's clock when it has one.
    expect(got[0]?.packet.rxTime).toBe(1_700_000_000 + Math.floor((got[0]?.at ?? 0) / 1000));
    const acks = answers(phone(1), p.id);
    expect(acks.map((a) => [a.routing, a.packet.from, a.packet.to])).toEqual([[RoutingError.NONE, 2, 1]]);
    expect(
      acks[0]?.packet.payloadVariant.case === 'decoded' && acks[0].packet.payloadVariant.value.portnum,
    ).toBe(PortNum.ROUTING_APP);
    expect(txOf(1, p.id)).toHaveLength(1);
  });

  it('a DM two hops away: implicit ACK (from = self) when the relay is heard, then the real ACK (from = destination)', () => {
    const { clock, network, phone, txOf } = net([1, 2, 3], chainLinks([1, 2, 3]));
    const p = clientPacket({ to: 3, wantAck: true });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(answers(phone(1), p.id).map((a) => [a.routing, a.packet.from])).toEqual([
      [RoutingError.NONE, 1],
      [RoutingError.NONE, 3],
    ]);
    expect(received(phone(3), p.id)[0]?.packet).toMatchObject({ hopLimit: 2, hopStart: 3, relayNode: 2 });
    expect(txOf(1, p.id)).toHaveLength(1);
    expect(received(phone(2), p.id)).toHaveLength(0); // a DM to someone else is relayed, not delivered
  });

  it('a 200-B DM on LONG_SLOW cannot be ACKed in < 12.7 s: the ACK comes after both airtimes', () => {
    const { clock, network, phone } = net([1, 2], chainLinks([1, 2]), { preset: ModemPreset.LONG_SLOW });
    const p = clientPacket({ to: 2, wantAck: true, bytes: 200 });
    network.router(1).sendToMesh(p);
    clock.advance(12_700);
    expect(answers(phone(1), p.id)).toHaveLength(0);
    clock.advance(60_000);
    const ack = answers(phone(1), p.id)[0];
    const ls = presetParams(ModemPreset.LONG_SLOW);
    // ACK Data: portnum 5, Routing{NONE} (4 B), request_id (5 B), bitfield (2 B): 13 B + 16 header.
    expect(ack?.at).toBeGreaterThanOrEqual(loraTimeOnAirMs(224, ls) + loraTimeOnAirMs(16 + 13, ls));
    expect(ack?.packet.from).toBe(2);
  });

  it('want_response on a portnum the destination has no module for: ACK, then NAK NO_RESPONSE from it', () => {
    const { clock, network, phone } = net([1, 2], chainLinks([1, 2]));
    const p = clientPacket({ to: 2, wantAck: true, wantResponse: true });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(answers(phone(1), p.id).map((a) => [a.routing, a.packet.from])).toEqual([
      [RoutingError.NONE, 2],
      [RoutingError.NO_RESPONSE, 2],
    ]);
  });

  it('shouldFilterReceived: the destination answers each repeat heard straight from the sender with a fresh 0-hop ACK; with every ACK lost the sender still ends in MAX_RETRANSMIT', () => {
    for (const routerFirmware of ['2.6+', 'pre-2.6'] as const) {
      const { clock, network, phone, txOf } = net(
        [
          { num: 1, routerFirmware },
          { num: 2, routerFirmware },
        ],
        [{ a: 1, b: 2, oneWay: true }],
      );
      const p = clientPacket({ to: 2, wantAck: true });
      network.router(1).sendToMesh(p);
      clock.advance(120_000);
      expect(txOf(1, p.id)).toHaveLength(3);
      // The first ACK with the response hop limit of a neighbour (2), each re-ACK with 0.
      expect(txOf(2).map((e) => e.hopLimit)).toEqual([2, 0, 0]);
      expect(received(phone(2), p.id)).toHaveLength(1); // PacketHistory hides the repeats
      expect(answers(phone(1), p.id).map((a) => a.routing)).toEqual([RoutingError.MAX_RETRANSMIT]);
    }
  });

  it('PacketHistory suppresses most duplicates but not all: a repeat after the entry expired reaches the phone again', () => {
    const { clock, network, phone, txOf } = net(
      [{ num: 1 }, { num: 2, historyExpireMs: 5_000 }],
      [{ a: 1, b: 2, oneWay: true }],
    );
    const p = clientPacket({ to: 2, wantAck: true });
    network.router(1).sendToMesh(p);
    clock.advance(120_000);
    expect(received(phone(2), p.id)).toHaveLength(3);
    expect(txOf(2)).toHaveLength(3); // each copy is new to it, so each is ACKed
  });
});

describe('retransmission and MAX_RETRANSMIT (§2.5)', () => {
  it('ReliableRouter: 3 transmissions then MAX_RETRANSMIT (from = self) one interval after the last, LONG_FAST 100 B ≈ 25 s', () => {
    const { clock, network, phone, txOf } = net([1]);
    const p = clientPacket({ to: 2, wantAck: true, bytes: 100 });
    network.router(1).sendToMesh(p);
    clock.advance(200_000);
    const interval = retransmissionIntervalMs(
      loraTimeOnAirMs(123, presetParams(ModemPreset.LONG_FAST)),
      28,
      0,
    );
    const tx = txOf(1, p.id).map((e) => e.at);
    expect(tx).toHaveLength(3);
    // Each transmission follows its interval by a contention delay of under 8 slots.
    tx.forEach((at, i) => {
      expect(at).toBeGreaterThanOrEqual(i * interval);
      expect(at).toBeLessThan(i * interval + 8 * 28);
    });
    const nak = answers(phone(1), p.id);
    expect(nak.map((a) => [a.routing, a.packet.from, a.packet.to])).toEqual([
      [RoutingError.MAX_RETRANSMIT, 1, 1],
    ]);
    // As in the §1.11 vector: decoded{portnum 5, payload Routing{error_reason=5} = 18 05, request_id}.
    const data =
      nak[0]?.packet.payloadVariant.case === 'decoded' ? nak[0].packet.payloadVariant.value : undefined;
    expect(data && [data.portnum, Buffer.from(data.payload).toString('hex'), data.requestId]).toEqual([
      PortNum.ROUTING_APP,
      '1805',
      p.id,
    ]);
    // Channel utilisation stays under 20 % on LONG_FAST, so CW stays 3: three equal intervals.
    expect(nak[0]?.at).toBeCloseTo(3 * interval, 6);
    expect((nak[0]?.at ?? 0) / 1000).toBeCloseTo(25.2, 1);
  });

  it('LONG_SLOW 200 B: the NAK comes within the §2.5 range, 3 idle intervals (≈ 105 s) to 111 s', () => {
    const { clock, network, phone, txOf } = net([1], [], { preset: ModemPreset.LONG_SLOW });
    const p = clientPacket({ to: 2, wantAck: true, bytes: 200 });
    network.router(1).sendToMesh(p);
    clock.advance(400_000);
    expect(txOf(1, p.id)).toHaveLength(3);
    const at = answers(phone(1), p.id)[0]?.at ?? 0;
    const idle = retransmissionIntervalMs(loraTimeOnAirMs(224, presetParams(ModemPreset.LONG_SLOW)), 89, 0);
    expect(at).toBeGreaterThan(3 * idle); // its own transmissions raise utilisation, and CW with it
    expect(at).toBeLessThan(111_000);
  });

  it('reset(): the TX queue and pending retransmissions are lost, so no NAK ever comes', () => {
    const { clock, network, phone, txOf } = net([1]);
    const p = clientPacket({ to: 2, wantAck: true });
    network.router(1).sendToMesh(p);
    network.router(1).sendToMesh(clientPacket());
    network.router(1).reset();
    expect(network.router(1).queueStatus()).toEqual({ res: 0, free: 16, maxlen: 16 });
    clock.advance(200_000);
    expect(txOf(1)).toHaveLength(0);
    expect(phone(1)).toHaveLength(0);
  });
});

describe('local NAKs and QueueStatus res (§1.8, §2.4, §2.5)', () => {
  it('TOO_LARGE: 232 B on a channel → NAK from self; nothing on air', () => {
    const { network, phone, txOf, clock } = net([1]);
    const p = clientPacket({ bytes: 232, wantAck: true });
    expect(network.router(1).sendToMesh(p).res).toBe(RoutingError.TOO_LARGE);
    clock.advance(100_000);
    expect(answers(phone(1), p.id).map((a) => [a.routing, a.packet.from])).toEqual([
      [RoutingError.TOO_LARGE, 1],
    ]);
    expect(txOf(1)).toHaveLength(0);
  });

  it('NO_CHANNEL: a channel index the device does not have → NAK from self', () => {
    const { network, phone } = net([1]);
    const p = clientPacket({ channel: 4 });
    expect(network.router(1).sendToMesh(p).res).toBe(RoutingError.NO_CHANNEL);
    expect(answers(phone(1), p.id)[0]).toMatchObject({ routing: RoutingError.NO_CHANNEL });
  });

  it('NO_CHANNEL from the destination: a want_ack DM on a channel it lacks arrives encrypted and is NAKed', () => {
    const ops = { name: 'ops', psk: Uint8Array.of(3) };
    const { clock, network, phone } = net(
      [{ num: 1, channels: [{ name: '', psk: Uint8Array.of(1) }, ops] }, 2],
      chainLinks([1, 2]),
    );
    const p = clientPacket({ to: 2, wantAck: true, channel: 1 });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(received(phone(2), p.id)[0]?.packet.payloadVariant.case).toBe('encrypted');
    expect(answers(phone(1), p.id).map((a) => [a.routing, a.packet.from])).toEqual([
      [RoutingError.NO_CHANNEL, 2],
    ]);
  });

  it('tx disabled or region UNSET → res 34 and nothing on air', () => {
    for (const spec of [
      { num: 1, txEnabled: false },
      { num: 1, region: RegionCode.UNSET },
    ]) {
      const { network, clock, txOf } = net([spec]);
      expect(network.router(1).sendToMesh(clientPacket()).res).toBe(QueueErrno.DISABLED);
      clock.advance(60_000);
      expect(txOf(1)).toHaveLength(0);
    }
  });

  it('replaceLowerPriorityPacket: TX queue full → res 32 for equal priority; an ALERT evicts the newest DEFAULT, which never goes on air', () => {
    const { network, clock, txOf } = net([1]);
    const r = network.router(1);
    const sent = Array.from({ length: 16 }, () => clientPacket({ priority: Priority.DEFAULT }));
    for (const p of sent) expect(r.sendToMesh(p).res).toBe(0);
    const refused = clientPacket();
    expect(r.sendToMesh(refused)).toEqual({ res: QueueErrno.UNKNOWN, free: 0, maxlen: 16 });
    const alert = clientPacket({ priority: Priority.ALERT });
    expect(r.sendToMesh(alert)).toEqual({ res: 0, free: 0, maxlen: 16 });
    clock.advance(120_000);
    const onAir = txOf(1).map((e) => e.id);
    expect(onAir).toHaveLength(16);
    expect(onAir[0]).toBe(alert.id); // highest priority first
    expect(onAir).not.toContain(sent[15]?.id); // the lowest priority and newest
    expect(onAir.slice(1)).toEqual(sent.slice(0, 15).map((p) => p.id));
    expect(onAir).not.toContain(refused.id);
  });

  it('a want_ack packet refused with res 32 is still retried from its record, as in the firmware', () => {
    const { network, clock, txOf } = net([1]);
    const r = network.router(1);
    for (let i = 0; i < 16; i++) r.sendToMesh(clientPacket({ priority: Priority.RELIABLE }));
    const p = clientPacket({ to: 2, wantAck: true });
    expect(r.sendToMesh(p).res).toBe(QueueErrno.UNKNOWN);
    clock.advance(120_000);
    expect(txOf(1, p.id).length).toBeGreaterThanOrEqual(1);
  });
});

describe('PKI DMs (§2.4)', () => {
  it('a DM on channel 0 to a node whose key is known goes PKI: 12 bytes more on air, pki_encrypted at the destination', () => {
    const { clock, network, phone, events } = net(
      [
        { num: 1, knownPublicKeys: 'all' },
        { num: 2, knownPublicKeys: 'all' },
      ],
      chainLinks([1, 2]),
    );
    const bytesOnAir: number[] = [];
    network.medium.onEvent((e) => {
      if (e.type === 'tx' && e.from === 1) bytesOnAir.push(e.bytes);
    });
    const p = clientPacket({ to: 2, wantAck: true, bytes: 100 });
    network.router(1).sendToMesh(p);
    clock.advance(60_000);
    expect(bytesOnAir).toEqual([meshtasticPhyBytes(100, { pki: true })]);
    expect(received(phone(2), p.id)[0]?.packet).toMatchObject({ pkiEncrypted: true, channel: 0 });
    expect(answers(phone(1), p.id)[0]).toMatchObject({ routing: RoutingError.NONE });
    expect(events.some((e) => e.type === 'to-phone')).toBe(true);
  });
});

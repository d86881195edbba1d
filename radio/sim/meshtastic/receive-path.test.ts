/**
 * Packets from the mesh to the client through the simulated device (docs/meshtastic.md §1.4,
 * §1.7; firmware v2.6.11 MeshService::sendToPhone, PhoneAPI::getFromRadio STATE_SEND_PACKETS):
 * the to-phone queue's size and drop policy, loss on a serial port nobody reads, queueing on TCP
 * until the next handshake, and the priority order after config_complete_id.
 */
import { describe, expect, it } from 'vitest';
import type { MeshPacket } from '../../src/meshtastic/codec.js';
import { BROADCAST_NUM } from '../../src/meshtastic/constants.js';
import { settle } from './host-probe.js';
import { SimPortNum } from './port-numbers.js';
import { type Fixture, makeFixture } from './sim-device-fixture.js';

const PEER = 0x11223344;

function inject(f: Fixture, n: number, portnum: number, firstId = 1): void {
  for (let i = 0; i < n; i++) {
    f.mesh.inject({
      from: PEER,
      id: firstId + i,
      payloadVariant: { case: 'decoded', value: { portnum, payload: Uint8Array.of(i) } },
    });
  }
}

const packetIds = (f: Fixture): number[] =>
  f.host.frames().flatMap((m) => (m.payloadVariant.case === 'packet' ? [m.payloadVariant.value.id] : []));
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the to-phone queue (MeshService::sendToPhone, MAX_RX_TOPHONE)', () => {
  it('MeshService::sendToPhone: 32 on 2.6 hardware; when full a custom portnum drops the NEW packet ("drop packet")', async () => {
    const f = await makeFixture();
    inject(f, 40, SimPortNum.PRIVATE_APP);
    await f.host.handshake();
    expect(packetIds(f)).toEqual(range(1, 32));
  });

  it('MeshService::sendToPhone: TEXT_MESSAGE_APP and RANGE_TEST_APP evict the OLDEST ("discard oldest")', async () => {
    for (const portnum of [SimPortNum.TEXT_MESSAGE_APP, SimPortNum.RANGE_TEST_APP]) {
      const f = await makeFixture();
      inject(f, 40, portnum);
      await f.host.handshake();
      expect(packetIds(f)).toEqual(range(9, 40));
    }
  });

  it('MeshService::sendToPhone: a full queue of custom packets still loses its oldest to a TEXT, and a ROUTING packet (an ACK) is dropped', async () => {
    const f = await makeFixture();
    inject(f, 32, SimPortNum.PRIVATE_APP);
    inject(f, 1, SimPortNum.TEXT_MESSAGE_APP, 100);
    f.mesh.ack(0xdead, { from: PEER });
    await f.host.handshake();
    expect(packetIds(f)).toEqual([...range(2, 32), 100]);
  });

  it('meshtasticd: MaxMessageQueue 100', async () => {
    const f = await makeFixture({ profile: { transport: 'tcp', native: true } });
    inject(f, 120, SimPortNum.PRIVATE_APP);
    await f.host.handshake();
    expect(packetIds(f)).toEqual(range(1, 100));
  });

  it('the `toPhone` event reports each outcome', async () => {
    const f = await makeFixture({ profile: { toPhoneQueueSize: 2 } });
    const outcomes: string[] = [];
    f.device.on('toPhone', (_p: MeshPacket, o) => outcomes.push(o));
    inject(f, 3, SimPortNum.PRIVATE_APP);
    inject(f, 1, SimPortNum.TEXT_MESSAGE_APP, 10);
    expect(outcomes).toEqual(['queued', 'queued', 'dropped-full', 'queued-evicted-oldest']);
  });
});

describe('packets while the host is away (§1.7)', () => {
  it('serial: after a handshake the firmware keeps writing into the port; with no host reading, the packets are lost', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.device.detach();
    inject(f, 3, SimPortNum.PRIVATE_APP);
    await settle();
    const again = f.newHost();
    await again.handshake();
    expect(again.frames().filter((m) => m.payloadVariant.case === 'packet')).toEqual([]);
  });

  it('serial: after the 15-min idle timeout closes the session, packets queue and are delivered at the next handshake', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    await f.advance(15 * 60 * 1000);
    expect(f.device.sessionState).toBe('SEND_NOTHING');
    f.host.clear();
    inject(f, 3, SimPortNum.PRIVATE_APP);
    await settle();
    expect(f.host.frames()).toEqual([]);
    await f.host.handshake();
    expect(packetIds(f)).toEqual([1, 2, 3]);
  });

  it('serial: before the host has ever sent a frame (canWrite false) packets wait in the queue', async () => {
    const f = await makeFixture();
    inject(f, 2, SimPortNum.PRIVATE_APP);
    await settle();
    expect(f.host.cases()).toEqual(['rebooted']);
    await f.host.handshake();
    expect(packetIds(f)).toEqual([1, 2]);
  });

  it('TCP: packets arriving with no client connected are queued and drained after the next handshake, not before', async () => {
    const f = await makeFixture({ profile: { transport: 'tcp' } });
    await f.host.handshake();
    f.host.stream.destroy();
    await settle();
    inject(f, 2, SimPortNum.PRIVATE_APP);
    const next = f.newHost();
    await settle();
    expect(next.frames()).toEqual([]);
    await next.handshake();
    expect(
      next.frames().flatMap((m) => (m.payloadVariant.case === 'packet' ? [m.payloadVariant.value.id] : [])),
    ).toEqual([1, 2]);
  });
});

describe('after config_complete_id (PhoneAPI::getFromRadio STATE_SEND_PACKETS)', () => {
  it('PhoneAPI::getFromRadio: queueStatus first, then clientNotification, then packets, whatever the arrival order', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.host.clear();
    // Arrive together: a packet from the mesh, a rate-limited traceroute (QueueStatus +
    // notification) and an accepted packet (QueueStatus).
    inject(f, 1, SimPortNum.PRIVATE_APP, 500);
    const tr = (id: number) =>
      f.host.send({
        case: 'packet',
        value: {
          to: PEER,
          id,
          payloadVariant: {
            case: 'decoded',
            value: { portnum: SimPortNum.TRACEROUTE_APP, payload: new Uint8Array() },
          },
        },
      });
    tr(1);
    tr(2);
    await settle();
    expect(f.host.cases()).toEqual(['queueStatus', 'queueStatus', 'clientNotification', 'packet']);
  });

  it('incoming packets keep what the mesh side gave them (from, to, snr, rssi, hops)', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.host.clear();
    f.mesh.inject({
      from: PEER,
      to: BROADCAST_NUM,
      id: 42,
      rxSnr: 6.5,
      rxRssi: -90,
      hopStart: 3,
      hopLimit: 2,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(0x94, 0xc3, 1) } },
    });
    await settle();
    const [m] = f.host.frames();
    expect(m?.payloadVariant).toMatchObject({
      case: 'packet',
      value: { from: PEER, to: BROADCAST_NUM, id: 42, rxSnr: 6.5, rxRssi: -90, hopStart: 3, hopLimit: 2 },
    });
  });
});

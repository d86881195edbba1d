/**
 * The send path of the simulated device for client packets, in the firmware's order
 * (docs/meshtastic.md §8.8 "Send path"; firmware v2.6.11 PhoneAPI::handleToRadioPacket,
 * MeshService::handleToRadio/sendToMesh, ReliableRouter::send, Router perhapsEncode): duplicate
 * ids, rate limits, the 233-byte decode drop, TOO_LARGE, NO_CHANNEL, hop limit, from and id.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { Admin } from '@meshtastic/protobufs';
import { describe, expect, it } from 'vitest';
import { decodeRouting, type FromRadio, type MeshPacket } from '../../src/meshtastic/codec.js';
import { BROADCAST_NUM, ChannelRole, RoutingError } from '../../src/meshtastic/constants.js';
import { settle } from './host-probe.js';
import { SimPortNum } from './port-numbers.js';
import { type Fixture, type FixtureOptions, makeFixture, NODE } from './sim-device-fixture.js';

const PEER = 0x11223344;

interface Send {
  id?: number;
  to?: number;
  from?: number;
  portnum?: number;
  payload?: number | Uint8Array;
  wantAck?: boolean;
  wantResponse?: boolean;
  hopLimit?: number;
  channel?: number;
}

function send(f: Fixture, s: Send): void {
  const payload =
    typeof s.payload === 'number' ? new Uint8Array(s.payload).fill(0x5a) : (s.payload ?? Uint8Array.of(1));
  f.host.send({
    case: 'packet',
    value: {
      to: s.to ?? PEER,
      from: s.from ?? 0,
      id: s.id ?? 0,
      wantAck: s.wantAck ?? false,
      hopLimit: s.hopLimit ?? 3,
      channel: s.channel ?? 0,
      payloadVariant: {
        case: 'decoded',
        value: {
          portnum: s.portnum ?? SimPortNum.PRIVATE_APP,
          payload,
          wantResponse: s.wantResponse ?? false,
        },
      },
    },
  });
}

async function ready(opts: FixtureOptions = {}): Promise<Fixture> {
  const f = await makeFixture(opts);
  await f.host.handshake();
  f.host.clear();
  return f;
}

const statuses = (frames: FromRadio[]) =>
  frames.flatMap((m) => (m.payloadVariant.case === 'queueStatus' ? [m.payloadVariant.value] : []));
const packets = (frames: FromRadio[]): MeshPacket[] =>
  frames.flatMap((m) => (m.payloadVariant.case === 'packet' ? [m.payloadVariant.value] : []));
function routingError(p: MeshPacket | undefined): number | undefined {
  if (p?.payloadVariant.case !== 'decoded') return undefined;
  const r = decodeRouting(p.payloadVariant.value.payload);
  return r.variant.case === 'errorReason' ? r.variant.value : undefined;
}

describe('QueueStatus after every client packet (MeshService::sendToMesh)', () => {
  it('MeshService::sendToMesh: one QueueStatus per packet, in order, with the mesh side result and maxlen 16', async () => {
    const f = await ready();
    for (let i = 1; i <= 5; i++) send(f, { id: 100 + i });
    await settle();
    expect(statuses(f.host.frames()).map((q) => [q.res, q.free, q.maxlen, q.meshPacketId])).toEqual([
      [0, 15, 16, 101],
      [0, 14, 16, 102],
      [0, 13, 16, 103],
      [0, 12, 16, 104],
      [0, 11, 16, 105],
    ]);
    expect(f.mesh.sent.map((p) => p.id)).toEqual([101, 102, 103, 104, 105]);
  });

  it('MeshService::sendToMesh: the res the mesh side reports (ERRNO_DISABLED 34) reaches the client', async () => {
    const f = await ready({ mesh: { res: 34 } });
    send(f, { id: 9 });
    await settle();
    expect(statuses(f.host.frames())).toMatchObject([{ res: 34, meshPacketId: 9 }]);
  });

  it('MeshService::handleToRadio: from is forced to 0 then our number; id 0 gets a firmware id that the QueueStatus carries', async () => {
    const f = await ready();
    send(f, { id: 0, from: 0x99 });
    send(f, { id: 0 });
    await settle();
    const [a, b] = f.mesh.sent;
    expect(a?.from).toBe(NODE);
    expect(a?.id).not.toBe(0);
    expect(b?.id).not.toBe(a?.id);
    expect(statuses(f.host.frames()).map((q) => q.meshPacketId)).toEqual([a?.id, b?.id]);
  });
});

describe('the nanopb decode limit of Data.payload (233 bytes)', () => {
  it('PhoneAPI::handleToRadio: a 234-byte payload fails pb_decode → "ignore malformed toradio", no QueueStatus, no NAK, nothing sent', async () => {
    const f = await ready();
    const logs: string[] = [];
    f.device.on('log', (_l, _t, m) => logs.push(m));
    send(f, { id: 1, payload: 234 });
    await settle();
    expect(f.host.frames()).toEqual([]);
    expect(f.mesh.sent).toEqual([]);
    expect(logs).toContain('Error: ignore malformed toradio');
    // The session is still alive: the next packet is answered.
    send(f, { id: 2 });
    await settle();
    expect(statuses(f.host.frames()).map((q) => q.meshPacketId)).toEqual([2]);
  });
});

describe('perhapsEncode: encoded Data + 16 > 255 → NAK TOO_LARGE', () => {
  it('Router.cpp perhapsEncode: portnum 256 carries 231 bytes; 232 is NAKed TOO_LARGE from our node with request_id, QueueStatus res 7', async () => {
    const f = await ready();
    send(f, { id: 0x231, payload: 231 });
    send(f, { id: 0x232, payload: 232 });
    await settle();
    expect(f.mesh.sent.map((p) => p.id)).toEqual([0x231]);
    const frames = f.host.frames();
    expect(statuses(frames).map((q) => [q.res, q.meshPacketId])).toEqual([
      [0, 0x231],
      [RoutingError.TOO_LARGE, 0x232],
    ]);
    const [nak] = packets(frames);
    expect(nak).toMatchObject({
      from: NODE,
      to: NODE,
      payloadVariant: { value: { portnum: 5, requestId: 0x232 } },
    });
    expect(routingError(nak)).toBe(RoutingError.TOO_LARGE);
    // getFromRadio's priority: the QueueStatus goes out before the NAK packet.
    expect(frames.map((m) => m.payloadVariant.case)).toEqual(['queueStatus', 'queueStatus', 'packet']);
  });

  it('perhapsEncode: want_response costs 2 bytes (the field and a bitfield of 2): 229 fits, 230 is TOO_LARGE', async () => {
    const f = await ready();
    send(f, { id: 1, payload: 229, wantResponse: true });
    send(f, { id: 2, payload: 230, wantResponse: true });
    await settle();
    expect(statuses(f.host.frames()).map((q) => q.res)).toEqual([0, RoutingError.TOO_LARGE]);
  });

  it('perhapsEncode: a DM to a node whose public key we know is PKI: 12 more bytes, so 219 fits and 220 is TOO_LARGE; broadcasts keep 231', async () => {
    const f = await ready({
      device: { settings: { nodes: [{ num: PEER, publicKey: new Uint8Array(32).fill(7) }] } },
    });
    send(f, { id: 1, payload: 219 });
    send(f, { id: 2, payload: 220 });
    send(f, { id: 3, payload: 231, to: BROADCAST_NUM });
    await settle();
    expect(statuses(f.host.frames()).map((q) => q.res)).toEqual([0, RoutingError.TOO_LARGE, 0]);
  });

  it('perhapsEncode: a disabled channel index has no hash → NAK NO_CHANNEL (res 6)', async () => {
    const f = await ready({ device: { settings: { channels: [{}, {}, { role: ChannelRole.DISABLED }] } } });
    send(f, { id: 1, channel: 1 });
    send(f, { id: 2, channel: 2 });
    await settle();
    const frames = f.host.frames();
    expect(statuses(frames).map((q) => q.res)).toEqual([0, RoutingError.NO_CHANNEL]);
    expect(routingError(packets(frames)[0])).toBe(RoutingError.NO_CHANNEL);
  });
});

describe('the duplicate-id filter (PhoneAPI::wasSeenRecently, last 20 ids)', () => {
  it('PhoneAPI::wasSeenRecently: a repeat within the last 20 ids is ignored without a QueueStatus; the 21st id pushes the first out', async () => {
    const f = await ready();
    for (let id = 1; id <= 20; id++) send(f, { id });
    send(f, { id: 1 });
    await settle();
    expect(statuses(f.host.frames())).toHaveLength(20);
    expect(f.mesh.sent).toHaveLength(20);
    send(f, { id: 21 });
    send(f, { id: 1 });
    send(f, { id: 21 });
    await settle();
    expect(
      statuses(f.host.frames())
        .map((q) => q.meshPacketId)
        .slice(20),
    ).toEqual([21, 1]);
  });

  it('PhoneAPI::handleToRadioPacket: id 0 is never filtered (p.id > 0 &&)', async () => {
    const f = await ready();
    send(f, { id: 0 });
    send(f, { id: 0 });
    await settle();
    expect(f.mesh.sent).toHaveLength(2);
  });

  it('PhoneAPI::handleToRadioPacket: under SimRadio (meshtasticd -s) duplicates are not ignored', async () => {
    const f = await ready({ profile: { transport: 'tcp', simRadio: true } });
    send(f, { id: 5 });
    send(f, { id: 5 });
    await settle();
    expect(f.mesh.sent.map((p) => p.id)).toEqual([5, 5]);
  });

  it('PhoneAPI (serial): the window belongs to the device, not the session: a repeat after a new handshake is still ignored', async () => {
    const f = await ready();
    send(f, { id: 77 });
    await settle();
    await f.host.handshake();
    f.host.clear();
    send(f, { id: 77 });
    await settle();
    expect(f.host.frames()).toEqual([]);
  });
});

describe('rate limits (§2.6, PhoneAPI::handleToRadioPacket)', () => {
  it('PhoneAPI::handleToRadioPacket: POSITION twice within 10 s → QueueStatus res 0 but not sent; after 10 s it is sent', async () => {
    const f = await ready();
    send(f, { id: 1, portnum: SimPortNum.POSITION_APP });
    send(f, { id: 2, portnum: SimPortNum.POSITION_APP });
    await f.advance(9999);
    send(f, { id: 3, portnum: SimPortNum.POSITION_APP });
    await f.advance(1);
    send(f, { id: 4, portnum: SimPortNum.POSITION_APP });
    await settle();
    expect(statuses(f.host.frames()).map((q) => [q.res, q.meshPacketId])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
    expect(f.mesh.sent.map((p) => p.id)).toEqual([1, 4]);
  });

  it('PhoneAPI::handleToRadioPacket: WAYPOINT and ALERT are limited per portnum; PRIVATE_APP never is', async () => {
    const f = await ready();
    for (const portnum of [SimPortNum.WAYPOINT_APP, SimPortNum.ALERT_APP, SimPortNum.PRIVATE_APP]) {
      send(f, { portnum });
      send(f, { portnum });
    }
    await settle();
    expect(
      f.mesh.sent.map((p) => (p.payloadVariant.case === 'decoded' ? p.payloadVariant.value.portnum : -1)),
    ).toEqual([
      SimPortNum.WAYPOINT_APP,
      SimPortNum.ALERT_APP,
      SimPortNum.PRIVATE_APP,
      SimPortNum.PRIVATE_APP,
    ]);
    expect(statuses(f.host.frames())).toHaveLength(6);
  });

  it('PhoneAPI::handleToRadioPacket: TRACEROUTE once per 30 s, with a client notification; multi-hop to broadcast refused', async () => {
    const f = await ready();
    send(f, { id: 1, portnum: SimPortNum.TRACEROUTE_APP });
    send(f, { id: 2, portnum: SimPortNum.TRACEROUTE_APP });
    await f.advance(30_000);
    send(f, { id: 3, portnum: SimPortNum.TRACEROUTE_APP, to: BROADCAST_NUM, hopLimit: 1 });
    await settle();
    const frames = f.host.frames();
    expect(f.mesh.sent.map((p) => p.id)).toEqual([1]);
    expect(statuses(frames).map((q) => [q.res, q.meshPacketId])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
    const notes = frames.flatMap((m) =>
      m.payloadVariant.case === 'clientNotification' ? [m.payloadVariant.value] : [],
    );
    expect(notes.map((n) => [n.replyId, n.message])).toEqual([
      [2, 'TraceRoute can only be sent once every 30 seconds'],
      [3, 'Multi-hop traceroute to broadcast address is not allowed'],
    ]);
  });

  it('2.6.11 has no TEXT or TELEMETRY limit; 2.7.0 limits TEXT to one per 2 s with a client notification', async () => {
    const old = await ready();
    send(old, { portnum: SimPortNum.TEXT_MESSAGE_APP });
    send(old, { portnum: SimPortNum.TEXT_MESSAGE_APP });
    send(old, { portnum: SimPortNum.TELEMETRY_APP });
    send(old, { portnum: SimPortNum.TELEMETRY_APP });
    await settle();
    expect(old.mesh.sent).toHaveLength(4);

    const f = await ready({ profile: { firmware: '2.7.0.705515a' } });
    send(f, { id: 1, portnum: SimPortNum.TEXT_MESSAGE_APP });
    send(f, { id: 2, portnum: SimPortNum.TEXT_MESSAGE_APP });
    send(f, { id: 3, portnum: SimPortNum.TELEMETRY_APP });
    send(f, { id: 4, portnum: SimPortNum.TELEMETRY_APP });
    await settle();
    expect(f.mesh.sent.map((p) => p.id)).toEqual([1, 3]);
    expect(f.host.frames().some((m) => m.payloadVariant.case === 'clientNotification')).toBe(true);
  });

  it('PhoneAPI::handleToRadioPacket (2.7.4+): sendRoutingErrorResponse addresses the RATE_LIMIT_EXCEEDED NAK to p.from, 0 from a client, so it goes to the mesh, not the phone', async () => {
    const f = await ready({ profile: { firmware: '2.7' } });
    send(f, { id: 1, portnum: SimPortNum.TEXT_MESSAGE_APP });
    send(f, { id: 2, portnum: SimPortNum.TEXT_MESSAGE_APP });
    await settle();
    expect(packets(f.host.frames())).toEqual([]);
    const nak = f.mesh.sent[1];
    expect(nak).toMatchObject({ to: 0, payloadVariant: { value: { portnum: 5, requestId: 2 } } });
    expect(routingError(nak)).toBe(RoutingError.RATE_LIMIT_EXCEEDED);
    // A client that fills in `from` with our number gets the NAK itself.
    await f.advance(2000);
    send(f, { id: 3, portnum: SimPortNum.TEXT_MESSAGE_APP, from: NODE });
    send(f, { id: 4, portnum: SimPortNum.TEXT_MESSAGE_APP, from: NODE });
    await settle();
    expect(routingError(packets(f.host.frames())[0])).toBe(RoutingError.RATE_LIMIT_EXCEEDED);
  });
});

describe('hop limit (§2.1, ReliableRouter::send)', () => {
  it('ReliableRouter::send: hop_limit 0 with want_ack becomes config.lora.hop_limit; without want_ack it stays 0; a set value is kept', async () => {
    const f = await ready({ device: { settings: { hopLimit: 5 } } });
    send(f, { id: 1, hopLimit: 0, wantAck: true });
    send(f, { id: 2, hopLimit: 0, wantAck: false });
    send(f, { id: 3, hopLimit: 2, wantAck: true });
    send(f, { id: 4, hopLimit: 0, wantAck: true, to: BROADCAST_NUM });
    await settle();
    expect(f.mesh.sent.map((p) => [p.id, p.hopLimit])).toEqual([
      [1, 5],
      [2, 0],
      [3, 2],
      [4, 5],
    ]);
  });

  it('with routerChecks off the packet goes to the mesh side untouched (mesh-router.ts does these steps itself)', async () => {
    const f = await ready({ device: { routerChecks: false } });
    send(f, { id: 1, hopLimit: 0, wantAck: true, payload: 232 });
    await settle();
    expect(f.mesh.sent.map((p) => [p.id, p.hopLimit, p.from])).toEqual([[1, 0, NODE]]);
  });
});

describe('packets to our own node (Router::sendLocal → AdminModule)', () => {
  it('AdminModule reboot_seconds: the device reboots after that many seconds; the packet is not given to the mesh', async () => {
    const f = await ready();
    const admin = create(Admin.AdminMessageSchema, { payloadVariant: { case: 'rebootSeconds', value: 5 } });
    send(f, {
      id: 1,
      to: NODE,
      portnum: SimPortNum.ADMIN_APP,
      payload: toBinary(Admin.AdminMessageSchema, admin),
    });
    await settle();
    expect(statuses(f.host.frames()).map((q) => [q.res, q.meshPacketId])).toEqual([[0, 1]]);
    expect(f.mesh.sent).toEqual([]);
    await f.advance(4999);
    expect(f.device.rebootCount).toBe(1);
    await f.advance(1);
    expect(f.device.isUp).toBe(false);
    await f.advance(3000);
    expect(f.device.rebootCount).toBe(2);
  });
});

/**
 * The device session's traffic (docs/meshtastic.md §1.8, §2.1, §2.5, §2.7, §8.5) against a
 * scripted device: packet ids, flow control, answers, received packets, and untrusted input.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFromRadio } from './codec.js';
import { BROADCAST_NUM, PortNum, RoutingError } from './constants.js';
import type { ReceivedPacket, SessionSendRequest } from './device-session-types.js';
import { encodeStreamFrame } from './framing.js';
import { ascii, concat, fromRadioArb, GOLDEN, hex } from './test/frames.js';
import type { ScriptedDevice, ScriptedDeviceOptions } from './test/scripted-device.js';
import { closeSessions, DEST, req, setup, sleep, until } from './test/session-setup.js';

afterEach(closeSessions);

describe('sending: ids, flow control, answers', () => {
  it('writes the §1.11 packet vector byte for byte', async () => {
    const draws = [0x12345678, 0xdeadbeef];
    const { device, session } = setup({}, { randomInt: () => draws.shift() ?? 1 });
    await session.start();
    expect(await session.send(req())).toMatchObject({ kind: 'ack', id: 0xdeadbeef, from: DEST });
    expect(hex(Uint8Array.from(device.rawReceived))).toContain(
      '94c3001a0a18154433221122080880021203a1010235efbeadde48035001',
    );
  });

  it('gives every packet a fresh random non-zero id', async () => {
    const { device, session } = setup();
    await session.start();
    await Promise.all(
      Array.from({ length: 10 }, () => session.send(req({ wantAck: false, to: BROADCAST_NUM }))),
    );
    const ids = device.packets.map((p) => p.id);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).not.toBe(0);
  });

  it('classifies answers (§2.5)', async () => {
    type Script = (
      p: Parameters<NonNullable<ScriptedDeviceOptions['onPacket']>>[0],
      d: ScriptedDevice,
    ) => void;
    let script: Script = (p, d) => d.answer(p);
    const { device, session } = setup({ onPacket: (p, d) => script(p, d) });
    await session.start();
    const own = device.nodeNum;
    const cases: [Script, Partial<SessionSendRequest>, object][] = [
      [(p, d) => d.answer(p), {}, { kind: 'ack', from: DEST }],
      [(p, d) => d.answerWith(p, 0, own), {}, { kind: 'implicit-ack', from: own }],
      [(p, d) => d.answer(p), { to: BROADCAST_NUM, wantAck: false }, { kind: 'queued' }],
      [(p, d) => d.answer(p), { to: BROADCAST_NUM, wantAck: true }, { kind: 'implicit-ack' }],
      [(p, d) => d.answerWith(p, 5, own), {}, { kind: 'nak', error: 5, local: true }],
      [(p, d) => d.answerWith(p, 6, DEST), {}, { kind: 'nak', error: 6, local: false }],
      [(p, d) => d.queueStatus(p.id, 34), {}, { kind: 'queue-refused', res: 34 }],
      [() => {}, {}, { kind: 'timeout', waitingFor: 'queue-status' }],
      [(p, d) => d.queueStatus(p.id), {}, { kind: 'timeout', waitingFor: 'routing' }],
      [(p, d) => d.queueStatus(p.id, 32, 0), {}, { kind: 'queue-refused', res: 32 }],
      // The queue-full report closed the window: nothing more is written.
      [(p, d) => d.answer(p), {}, { kind: 'refused', reason: 'window-full' }],
    ];
    for (const [s, over, expected] of cases) {
      script = s;
      expect(await session.send(req(over))).toMatchObject(expected);
    }
  });

  it('matches answers by id when several packets are in flight, and ignores strangers', async () => {
    const held: number[] = [];
    const { device, session } = setup({ onPacket: (p) => held.push(p.id) });
    await session.start();
    const a = session.send(req());
    const b = session.send(req());
    await until(() => held.length === 2);
    const [idA, idB] = held as [number, number];
    device.routing(0x5555, RoutingError.NONE, DEST); // answers nothing of ours
    device.queueStatus(idB);
    device.queueStatus(idA);
    device.routing(idB, RoutingError.MAX_RETRANSMIT, device.nodeNum);
    device.routing(idA, RoutingError.NONE, DEST);
    expect(await a).toMatchObject({ kind: 'ack', id: idA });
    expect(await b).toMatchObject({ kind: 'nak', id: idB, error: 5 });
  });

  it('refuses a payload over 233 bytes without writing it (the firmware would drop it silently)', async () => {
    const { device, session } = setup();
    await session.start();
    expect(await session.send(req({ payload: new Uint8Array(234) }))).toMatchObject({
      kind: 'refused',
      reason: 'too-large',
    });
    expect(device.packets).toHaveLength(0);
    expect(await session.send(req({ payload: new Uint8Array(233) }))).toMatchObject({ kind: 'ack' });
  });

  it('flow control: counts down locally, follows QueueStatus, never writes at free 0', async () => {
    let free = 2;
    const { device, session } = setup({
      onPacket: (p, d) => d.queueStatus(p.id, 0, free),
      answerHeartbeat: true,
      queueFree: 2,
    });
    await session.start();
    await until(() => session.freeSlots() === 2); // the heartbeat after the handshake told us
    free = 0;
    expect(await session.send(req({ to: BROADCAST_NUM, wantAck: false }))).toMatchObject({ kind: 'queued' });
    expect(session.freeSlots()).toBe(0);
    expect(await session.send(req({ to: BROADCAST_NUM, wantAck: false }))).toMatchObject({
      kind: 'refused',
      reason: 'window-full',
    });
    expect(device.packets).toHaveLength(1);
    // A heartbeat answer (firmware ≥ 2.7.4) reopens the window.
    device.queueStatus(0, 0, 5);
    await until(() => session.freeSlots() === 5);
  });

  it('flow control: packets without their QueueStatus yet take slots', async () => {
    const { session } = setup({ onPacket: () => {} }, { queueTimeoutMs: 5000 });
    await session.start();
    expect(session.freeSlots()).toBe(16);
    void session.send(req());
    void session.send(req());
    void session.send(req());
    expect(session.freeSlots()).toBe(13);
  });

  it('a zero window with no QueueStatus opens for one probe packet after a while', async () => {
    const { device, session } = setup(
      { onPacket: (p, d) => d.queueStatus(p.id, 0, 0) },
      { zeroWindowProbeMs: 80 },
    );
    await session.start();
    expect(await session.send(req({ to: BROADCAST_NUM, wantAck: false }))).toMatchObject({ kind: 'queued' });
    expect(session.freeSlots()).toBe(0);
    await until(() => session.freeSlots() === 1);
    expect(await session.send(req({ to: BROADCAST_NUM, wantAck: false }))).toMatchObject({ kind: 'queued' });
    expect(session.freeSlots()).toBe(0);
    expect(device.packets).toHaveLength(2);
  });

  it('an aborted send rejects with the reason and leaves the session working', async () => {
    const { session } = setup({ onPacket: () => {} }, { queueTimeoutMs: 5000 });
    await session.start();
    const ac = new AbortController();
    const sending = session.send(req(), ac.signal);
    ac.abort(new Error('gave up'));
    await expect(sending).rejects.toThrow('gave up');
  });
});

describe('receiving', () => {
  it('emits decoded packets with their radio metadata, drops radio duplicates', async () => {
    const { device, session } = setup();
    await session.start();
    const got: ReceivedPacket[] = [];
    session.on('packet', (p) => got.push(p));
    const pkt = {
      from: 0x33334444,
      id: 0x99,
      channel: 2,
      portnum: 256,
      payload: Uint8Array.of(1, 0x94, 0xc3, 2),
      rxTime: 1_700_000_000,
      rxSnr: 6.5,
      rxRssi: -90,
      hopStart: 3,
      hopLimit: 1,
    };
    const before = Date.now();
    device.meshPacket(pkt);
    device.meshPacket(pkt); // a retransmission heard again
    device.meshPacket({ ...pkt, id: 0x9a });
    device.meshPacket({ from: 0x5, id: 0x1, portnum: 1, payload: ascii('hi') });
    await until(() => got.length === 3);
    await sleep(20);
    expect(got).toHaveLength(3);
    expect(got[0]).toMatchObject({
      from: 0x33334444,
      to: BROADCAST_NUM,
      channel: 2,
      id: 0x99,
      portnum: 256,
      rxTime: 1_700_000_000,
      rxSnr: 6.5,
      rxRssi: -90,
      hopStart: 3,
      hopLimit: 1,
      hopsAway: 2,
    });
    expect(hex(got[0]?.payload as Uint8Array)).toBe('0194c302');
    expect(got[0]?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(got[2]).not.toHaveProperty('rxTime');
    expect(got[2]).not.toHaveProperty('hopsAway');
    expect(session.counters().duplicates).toBe(1);
  });

  it('reports the radio\u2019s own position and GPS time, from the dump and from its position packets', async () => {
    const position = {
      latitudeI: 473_977_000,
      longitudeI: 85_437_000,
      time: 1_750_000_000,
      locationSource: 2,
    };
    const { device, session } = setup({ position });
    const seen: unknown[] = [];
    session.on('position', (p) => seen.push(p));
    await session.start();
    expect(session.position).toMatchObject({
      latitude: 47.3977,
      longitude: 8.5437,
      time: 1_750_000_000,
      locationSource: 2,
    });
    const { create, Schemas } = await import('./codec.js');
    const { toBinary } = await import('@bufbuild/protobuf');
    const payload = toBinary(
      Schemas.Position,
      create(Schemas.Position, { ...position, time: 1_750_000_060 }),
    );
    device.meshPacket({ from: device.nodeNum, portnum: PortNum.POSITION_APP, payload, id: 0x42 });
    await until(() => session.position?.time === 1_750_000_060);
    expect(seen).toHaveLength(2);
  });
});

describe('untrusted input never escapes the session', () => {
  const noise = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fromRadioArb.map((m) => encodeStreamFrame(encodeFromRadio(m))),
    fromRadioArb.map((m) => {
      const f = encodeStreamFrame(encodeFromRadio(m));
      return f.subarray(0, Math.max(1, f.length >> 1)); // torn
    }),
    fc.constant(GOLDEN.rebooted),
    fc.constant(GOLDEN.nakMaxRetransmit),
    fc.constant(ascii('DEBUG | —é\r\n')),
  );

  it('random bytes, torn frames and random valid FromRadio sequences, in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(noise, { maxLength: 25 }), fc.nat(40), async (parts, chunk) => {
        const { device, session } = setup(
          { answerHeartbeat: true },
          {
            heartbeatIntervalMs: 20,
            silenceTimeoutMs: 60,
            handshakeTimeoutMs: 1000,
            partialFrameTimeoutMs: 10,
          },
        );
        await session.start();
        const sending = session.send(req({ ackTimeoutMs: 50 }));
        const all = concat(...parts);
        const size = chunk + 1;
        for (let i = 0; i < all.length; i += size) {
          device.write(all.subarray(i, i + size));
          if (i % (size * 8) === 0) await sleep(0);
        }
        await sleep(15);
        // Whatever happened, the send settled or will, and the session is in a defined state.
        expect(['ready', 'handshaking', 'closed']).toContain(session.state);
        session.close();
        expect(await sending).toHaveProperty('kind');
      }),
      { numRuns: 60 },
    );
  });
});

/**
 * A client's want_ack packet ends as the firmware ends it, in one routing answer (docs/meshtastic.md
 * §2.4, §2.5, §4.4, §8.8 "ACK behaviour"), on both mesh sides of the simulated device: the scripted
 * one `fieldnode sim meshtastic` runs and the full mesh. The client is a host on the device's
 * stream, as the official client or fieldnode's own link would be; want-ack-rigs.ts builds the
 * radio A, its neighbour B (relaying or not) and the clock.
 */
import { describe, expect, it } from 'vitest';
import { LONG_FAST, LONG_SLOW, loraTimeOnAirMs, meshtasticPhyBytes } from '../../src/lora/airtime.js';
import type { FromRadio } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  ModemPreset,
  PortNum,
  QueueErrno,
  RegionCode,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { CW_MAX, retransmissionIntervalMs } from './lora-timing.js';
import { A, ABSENT, B, fullMeshRig, type Rig, type RigMaker, scriptedRig } from './want-ack-rigs.js';

const MIN = 60_000;
const SLOT_LF = 28;
/** A 10-byte PRIVATE_APP payload on LONG_FAST: 33 bytes on air. */
const AIR = loraTimeOnAirMs(meshtasticPhyBytes(10), LONG_FAST);
/** A routing ACK: 16-byte header and 13 bytes of Data. */
const AIR_ACK = loraTimeOnAirMs(16 + 13, LONG_FAST);
const INTERVAL = retransmissionIntervalMs(AIR, SLOT_LF, 0);
const AIR_200_LS = loraTimeOnAirMs(meshtasticPhyBytes(200), LONG_SLOW);

let nextId = 0x100;

interface Send {
  to?: number;
  bytes?: number;
  wantAck?: boolean;
  hopLimit?: number;
}

/** The client sends one packet on PRIVATE_APP; returns its id. */
function send(rig: Rig, s: Send = {}): number {
  const id = nextId++;
  rig.host.send({
    case: 'packet',
    value: {
      to: s.to ?? BROADCAST_NUM,
      id,
      wantAck: s.wantAck ?? true,
      hopLimit: s.hopLimit ?? 3,
      channel: 0,
      payloadVariant: {
        case: 'decoded',
        value: { portnum: PortNum.PRIVATE_APP, payload: new Uint8Array(s.bytes ?? 10).fill(0x5a) },
      },
    },
  });
  return id;
}

const frames = (rig: Rig): FromRadio[] => rig.host.frames();

/** The QueueStatus `res` the client got for `id`. */
function resOf(rig: Rig, id: number): number | undefined {
  for (const m of frames(rig))
    if (m.payloadVariant.case === 'queueStatus' && m.payloadVariant.value.meshPacketId === id)
      return m.payloadVariant.value.res;
  return undefined;
}

/** The routing answers for `id` the mesh side handed the phone API: [from, error]. */
function handed(rig: Rig, id: number): Array<[number, number]> {
  return rig.answers(id).map((a) => [a.from, a.error]);
}

function notifications(rig: Rig): Array<{ replyId: number | undefined; message: string }> {
  return frames(rig).flatMap((m) =>
    m.payloadVariant.case === 'clientNotification'
      ? [{ replyId: m.payloadVariant.value.replyId, message: m.payloadVariant.value.message }]
      : [],
  );
}

/** The answers the client got for `id`, decoded from its stream: [from, Routing error]. */
function clientGot(rig: Rig, id: number): Array<[number, number]> {
  return frames(rig).flatMap((m) => {
    if (m.payloadVariant.case !== 'packet') return [];
    const p = m.payloadVariant.value;
    if (p.payloadVariant.case !== 'decoded') return [];
    const d = p.payloadVariant.value;
    if (d.portnum !== PortNum.ROUTING_APP || d.requestId !== id) return [];
    const e = d.payload[0] === 0x18 ? (d.payload[1] ?? -1) : -1;
    return [[p.from, e] as [number, number]];
  });
}

function suite(side: string, make: RigMaker): void {
  describe(`${side}: a want_ack packet gets one answer, as from the firmware`, () => {
    it('a broadcast that a neighbour relays: one implicit ACK (from our own node) once the relay is heard, before any retransmission', async () => {
      const rig = await make({ neighbour: 'relays' });
      const id = send(rig);
      await rig.advance(10 * MIN);
      const [ack, ...more] = rig.answers(id);
      expect([ack?.from, ack?.error, more.length]).toEqual([A, RoutingError.NONE, 0]);
      // Our airtime, a client's least relay wait (2·CWmax slots, §5.1), the relay's airtime.
      expect(ack?.at).toBeGreaterThanOrEqual(2 * AIR + 2 * CW_MAX * SLOT_LF);
      expect(ack?.at).toBeLessThan(INTERVAL);
      expect(rig.txAirtimeMs()).toBeCloseTo(AIR, 3); // sent once
      expect(resOf(rig, id)).toBe(QueueErrno.OK);
      expect(clientGot(rig, id)).toEqual([[A, RoutingError.NONE]]);
    });

    for (const neighbour of ['none', 'mute'] as const) {
      it(`a broadcast nobody relays (neighbour: ${neighbour}): three transmissions, then NAK MAX_RETRANSMIT one interval after the last (≈ 22 s on LONG_FAST)`, async () => {
        const rig = await make({ neighbour });
        const id = send(rig);
        await rig.advance(3 * INTERVAL - 1);
        expect(rig.answers(id)).toEqual([]);
        await rig.advance(10 * MIN);
        expect(handed(rig, id)).toEqual([[A, RoutingError.MAX_RETRANSMIT]]);
        expect(rig.answers(id)[0]?.at).toBeCloseTo(3 * INTERVAL, 6);
        expect(rig.txAirtimeMs()).toBeCloseTo(3 * AIR, 3);
        expect(clientGot(rig, id)).toEqual([[A, RoutingError.MAX_RETRANSMIT]]);
      });
    }

    for (const neighbour of ['relays', 'mute'] as const) {
      it(`a DM to a node in range (${neighbour === 'relays' ? 'a client' : 'a mute client'}): one real ACK, from the destination, after both airtimes`, async () => {
        const rig = await make({ neighbour });
        const id = send(rig, { to: B });
        await rig.advance(10 * MIN);
        const [ack, ...more] = rig.answers(id);
        expect([ack?.from, ack?.error, more.length]).toEqual([B, RoutingError.NONE, 0]);
        expect(ack?.at).toBeGreaterThanOrEqual(AIR + AIR_ACK);
        expect(ack?.at).toBeLessThan(INTERVAL);
        expect(rig.txAirtimeMs()).toBeCloseTo(AIR, 3);
        expect(clientGot(rig, id)).toEqual([[B, RoutingError.NONE]]);
      });
    }

    it('a DM to a node nowhere in range, nobody relaying: NAK MAX_RETRANSMIT after the three transmissions', async () => {
      const rig = await make({ neighbour: 'mute' });
      const id = send(rig, { to: ABSENT });
      await rig.advance(10 * MIN);
      expect(handed(rig, id)).toEqual([[A, RoutingError.MAX_RETRANSMIT]]);
      expect(rig.answers(id)[0]?.at).toBeCloseTo(3 * INTERVAL, 6);
      expect(rig.txAirtimeMs()).toBeCloseTo(3 * AIR, 3);
      expect(clientGot(rig, id)).toEqual([[A, RoutingError.MAX_RETRANSMIT]]);
    });

    it('a DM to an absent node with a relaying neighbour: the neighbour floods it (§5.1), so an implicit ACK and nothing more', async () => {
      const rig = await make({ neighbour: 'relays' });
      const id = send(rig, { to: ABSENT });
      await rig.advance(10 * MIN);
      expect(handed(rig, id)).toEqual([[A, RoutingError.NONE]]);
      expect(rig.answers(id)[0]?.at).toBeLessThan(INTERVAL);
    });

    it('TOO_LARGE: 232 bytes on a channel are refused at once (QueueStatus res 7, NAK from our node), nothing goes on air and nothing follows', async () => {
      const rig = await make({ neighbour: 'relays' });
      const id = send(rig, { to: B, bytes: 232 });
      await rig.advance(0);
      expect(resOf(rig, id)).toBe(RoutingError.TOO_LARGE);
      expect(clientGot(rig, id)).toEqual([[A, RoutingError.TOO_LARGE]]);
      await rig.advance(10 * MIN);
      expect(clientGot(rig, id)).toEqual([[A, RoutingError.TOO_LARGE]]);
      expect(rig.txAirtimeMs()).toBe(0);
    });

    it('the duty cycle spent (EU_868, 10 %): a ClientNotification with the minutes to wait and NAK DUTY_CYCLE_LIMIT at once; sending works again once that time is over', async () => {
      const rig = await make({
        neighbour: 'relays',
        region: RegionCode.EU_868,
        preset: ModemPreset.LONG_SLOW,
      });
      // 200-byte broadcasts that nobody relays, every 20 s: the 29th takes the hour over 360 s.
      let accepted = 0;
      for (; accepted < 40; accepted++) {
        const id = send(rig, { bytes: 200, wantAck: false, hopLimit: 0 });
        await rig.advance(0);
        if (resOf(rig, id) !== QueueErrno.OK) break;
        await rig.advance(20_000);
      }
      expect(accepted).toBe(Math.floor(360_000 / AIR_200_LS) + 1);
      rig.host.clear();
      const id = send(rig, { to: B, bytes: 50 });
      await rig.advance(0);
      expect(resOf(rig, id)).toBe(RoutingError.DUTY_CYCLE_LIMIT);
      expect(handed(rig, id)).toEqual([[A, RoutingError.DUTY_CYCLE_LIMIT]]);
      const [note, ...others] = notifications(rig);
      expect(others).toEqual([]);
      expect(note?.replyId).toBe(id);
      const minutes = Number(
        /^Duty cycle limit exceeded\. You can send again in (\d+) mins$/.exec(note?.message ?? '')?.[1],
      );
      // The first packets leave the hour 50 minutes after the last one was sent.
      expect(minutes).toBe(50);
      expect(clientGot(rig, id)).toEqual([[A, RoutingError.DUTY_CYCLE_LIMIT]]);
      await rig.advance(10 * MIN);
      expect(handed(rig, id)).toHaveLength(1); // no record was kept: nothing more for it
      await rig.advance((minutes - 10) * MIN);
      const still = send(rig, { bytes: 50, wantAck: false });
      await rig.advance(0);
      expect(resOf(rig, still)).toBe(RoutingError.DUTY_CYCLE_LIMIT);
      await rig.advance(MIN);
      const again = send(rig, { bytes: 50, wantAck: false });
      await rig.advance(0);
      expect(resOf(rig, again)).toBe(QueueErrno.OK);
    });
  });
}

suite('the scripted mesh of `fieldnode sim meshtastic`', scriptedRig);
suite('the full simulated mesh', fullMeshRig);

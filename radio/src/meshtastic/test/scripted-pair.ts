/**
 * Test support: two scripted devices that hear each other, one hop apart. What one host sends is
 * answered with a QueueStatus and, if it is broadcast or addressed to the other, delivered to the
 * other host as a received packet; a want_ack DM gets a real ACK from the other node, a want_ack
 * broadcast an implicit ACK (the other node relayed it). Enough for the link contract; the faithful
 * mesh is radio/sim/meshtastic.
 */
import type { MeshPacket } from '../codec.js';
import { BROADCAST_NUM, RoutingError } from '../constants.js';
import { ScriptedDevice, type ScriptedDeviceOptions } from './scripted-device.js';

function relay(p: MeshPacket, from: ScriptedDevice, to: ScriptedDevice): void {
  from.queueStatus(p.id);
  const d = p.payloadVariant.case === 'decoded' ? p.payloadVariant.value : undefined;
  if (d === undefined) return;
  if (p.to === BROADCAST_NUM || p.to === to.nodeNum) {
    to.meshPacket({
      from: from.nodeNum,
      to: p.to,
      id: p.id,
      channel: p.channel,
      portnum: d.portnum,
      payload: d.payload,
      rxTime: Math.floor(Date.now() / 1000),
      rxSnr: 7.25,
      rxRssi: -71,
      hopStart: p.hopLimit,
      hopLimit: p.hopLimit,
    });
  }
  if (p.wantAck) from.routing(p.id, RoutingError.NONE, p.to === BROADCAST_NUM ? from.nodeNum : p.to);
}

export function scriptedPair(
  a: ScriptedDeviceOptions = {},
  b: ScriptedDeviceOptions = {},
): [ScriptedDevice, ScriptedDevice] {
  const devA: ScriptedDevice = new ScriptedDevice({
    nodeNum: 0xa0a0a0a0,
    ...a,
    onPacket: (p) => relay(p, devA, devB),
  });
  const devB: ScriptedDevice = new ScriptedDevice({
    nodeNum: 0xb0b0b0b0,
    ...b,
    onPacket: (p) => relay(p, devB, devA),
  });
  return [devA, devB];
}

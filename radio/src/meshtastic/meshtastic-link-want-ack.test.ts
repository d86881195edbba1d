/**
 * MeshtasticLink against the simulator `fieldnode sim meshtastic` runs (radio/sim/meshtastic/
 * sim-command.ts, scripted-mesh-side.ts): every send with want_ack ends in the outcome the
 * firmware's answer gives it (docs/meshtastic.md §2.5; send-outcome.ts), never in the link's own
 * TIMEOUT. First the command itself on TCP, in real time on SHORT_FAST, where answers take well
 * under a second; then the same mesh side on a clock 200 times faster than wall time, for the
 * 20-odd seconds a radio that nobody answers retransmits before its NAK MAX_RETRANSMIT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { PacedClock } from '../../sim/meshtastic/paced-clock.js';
import { ScriptedMeshSide } from '../../sim/meshtastic/scripted-mesh-side.js';
import { parseSimArgs, startMeshtasticSim } from '../../sim/meshtastic/sim-command.js';
import { scaledTimeouts } from '../../sim/meshtastic/sim-radio.js';
import { SimulatedDevice } from '../../sim/meshtastic/simulated-device.js';
import { StreamTransport } from '../transports/stream-transport.js';
import { TcpTransport } from '../transports/tcp-transport.js';
import { ModemPreset, RegionCode } from './constants.js';
import { MeshtasticLink } from './meshtastic-link.js';

/** The sim command's radio and echo peer, and a node that is nowhere. */
const OWN = 0x0a0b0c0d;
const ECHO = '!0e0e0e0e';
const ABSENT = '!0badbeef';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('`fieldnode sim meshtastic --tcp` answers a MeshtasticLink as the firmware would', () => {
  it('with its echo peer: a broadcast is relayed (implicit ACK), a DM to the peer ACKed, a DM to an absent node relayed', async () => {
    const sim = await startMeshtasticSim(parseSimArgs(['--tcp', '0', '--preset', 'SHORT_FAST']), {
      echoDelayMs: 50,
    });
    cleanups.push(() => sim.close());
    const link = new MeshtasticLink({
      id: 'mesh0',
      transport: new TcpTransport({ host: '127.0.0.1', port: Number(sim.address) }),
      broadcastWantAck: true,
      timeouts: { wakeDelayMs: 1, handshakeMs: 3000, ackMs: 5000 },
    });
    cleanups.push(() => link.stop());
    await link.start();
    expect(link.state.status).toBe('up');
    expect(await link.send(Uint8Array.of(1, 2, 3))).toMatchObject({ ok: true, ref: /:relayed$/ });
    expect(await link.send(Uint8Array.of(4), { to: ECHO })).toMatchObject({ ok: true, ref: /:ack$/ });
    expect(await link.send(Uint8Array.of(5), { to: ABSENT })).toMatchObject({ ok: true, ref: /:relayed$/ });
  });
});

describe('the same scripted mesh side on a paced clock', () => {
  const SPEEDUP = 200;

  async function linkOnSim(opts: { lonely: boolean }): Promise<MeshtasticLink> {
    const clock = new PacedClock(SPEEDUP);
    cleanups.push(() => clock.stop());
    // As startMeshtasticSim builds it, on another clock.
    const mesh = new ScriptedMeshSide({
      nodeNum: OWN,
      clock,
      region: RegionCode.CN,
      preset: ModemPreset.LONG_FAST,
      ...(opts.lonely ? {} : { echoPeer: { nodeNum: 0x0e0e0e0e } }),
    });
    const device = new SimulatedDevice({
      meshSide: mesh,
      clock,
      settings: { region: RegionCode.CN, modemPreset: ModemPreset.LONG_FAST },
    });
    device.start();
    cleanups.push(() => device.stop());
    const transport = new StreamTransport(() => {
      const [deviceEnd, hostEnd] = createDuplexPair();
      device.attach(deviceEnd);
      return hostEnd;
    }, 'the scripted radio');
    const link = new MeshtasticLink({
      id: 'mesh0',
      transport,
      broadcastWantAck: true,
      timeouts: scaledTimeouts(SPEEDUP, ModemPreset.LONG_FAST),
    });
    cleanups.push(() => link.stop());
    await link.start();
    expect(link.state.status).toBe('up');
    return link;
  }

  it('alone (--lonely): a broadcast and a DM end in NACK (MAX_RETRANSMIT from our radio), not TIMEOUT', async () => {
    const link = await linkOnSim({ lonely: true });
    const [broadcast, dm] = await Promise.all([
      link.send(Uint8Array.of(1)),
      link.send(Uint8Array.of(2), { to: ABSENT }),
    ]);
    for (const outcome of [broadcast, dm]) {
      expect(outcome).toMatchObject({
        ok: false,
        retry: 'later',
        code: 'NACK',
        detail: expect.stringContaining('our radio answered MAX_RETRANSMIT'),
      });
    }
  });

  it('with the echo peer: the DM to it is ACKed by it, a broadcast relayed', async () => {
    const link = await linkOnSim({ lonely: false });
    expect(await link.send(Uint8Array.of(1), { to: ECHO })).toMatchObject({ ok: true, ref: /:ack$/ });
    expect(await link.send(Uint8Array.of(2))).toMatchObject({ ok: true, ref: /:relayed$/ });
  });
});

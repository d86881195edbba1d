/**
 * Test fixture: a simulated device on a VirtualClock with a scripted mesh side, its serial or TCP
 * end joined in-process to a HostProbe (radio/src/stream/duplex-pair.ts). Test support only.
 */

import { VirtualClock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { type DeviceProfileInput, deviceProfile } from './firmware-profile.js';
import { HostProbe, settle } from './host-probe.js';
import { ScriptedMeshSide, type ScriptedMeshSideOptions } from './scripted-mesh-side.js';
import { SimulatedDevice, type SimulatedDeviceOptions } from './simulated-device.js';

export const NODE = 0x0a0b0c0d;

export interface FixtureOptions {
  profile?: DeviceProfileInput;
  mesh?: Omit<ScriptedMeshSideOptions, 'nodeNum' | 'clock'>;
  device?: Omit<SimulatedDeviceOptions, 'meshSide' | 'clock' | 'profile'>;
  /** Attach a host at boot. Default true. */
  attach?: boolean;
}

export interface Fixture {
  clock: VirtualClock;
  mesh: ScriptedMeshSide;
  device: SimulatedDevice;
  host: HostProbe;
  /** Joins a fresh host to the device (replacing the old one on TCP). */
  newHost(): HostProbe;
  /** Advances the virtual clock and lets the streams deliver. */
  advance(ms: number): Promise<void>;
}

export async function makeFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const clock = new VirtualClock();
  const mesh = new ScriptedMeshSide({ nodeNum: NODE, clock, ...opts.mesh });
  const device = new SimulatedDevice({
    meshSide: mesh,
    clock,
    profile: deviceProfile(opts.profile),
    ...opts.device,
  });
  const newHost = (): HostProbe => {
    const [deviceEnd, hostEnd] = createDuplexPair();
    device.attach(deviceEnd);
    return new HostProbe(hostEnd);
  };
  let host: HostProbe;
  if (opts.attach === false) {
    const [, hostEnd] = createDuplexPair();
    host = new HostProbe(hostEnd);
    device.start();
  } else if (deviceProfile(opts.profile).transport === 'tcp') {
    device.start();
    host = newHost();
  } else {
    host = newHost();
    device.start();
  }
  await settle();
  return {
    clock,
    mesh,
    device,
    host,
    newHost,
    advance: async (ms: number) => {
      clock.advance(ms);
      await settle();
    },
  };
}

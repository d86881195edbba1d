/**
 * A test rig for the SBD link (satellite/src/sbd/sbd-link.ts) over the fake modem and the
 * simulated Iridium network on a stepping virtual clock (node/src/link/clock.ts): one link,
 * everything it says recorded, and stopped after each test.
 */
import { afterEach, expect } from 'vitest';
import { SteppingClock } from '../../../node/src/link/clock.js';
import type { InboundFrame, LinkState, SendOutcome } from '../../../node/src/link/link.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { type MoDelivery, SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import type { SbdAlarm } from '../../src/sbd/alarms.js';
import { SbdLink, type SbdLinkOptions, type SbdSessionRecord } from '../../src/sbd/sbd-link.js';
import type { Priority } from '../../src/sbd/session-scheduler.js';
import { FakeSbdModem } from './fake-sbd-modem.js';

export const S = 1000;
export const MIN = 60 * S;

/** A message-shaped frame (b0 = 01 01 PP 0 0) of `size` bytes, tagged in its second byte. */
export function message(size: number, priority: Priority, tag: number): Uint8Array {
  const f = new Uint8Array(size).fill(0x5a);
  f[0] = 0x50 | (priority << 2);
  f[1] = tag;
  return f;
}

export interface Rig {
  clock: SteppingClock;
  network: SimulatedIridiumNetwork;
  modem: FakeSbdModem;
  link: SbdLink;
  mo: MoDelivery[];
  sessions: SbdSessionRecord[];
  alarms: SbdAlarm[];
  frames: InboundFrame[];
  states: LinkState[];
}

const rigs: Rig[] = [];
/** Registers the clean-up: call once at the top of a test file. */
export function stopRigsAfterEach(): void {
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      const stopping = r.link.stop();
      await r.clock.run(10 * MIN);
      await stopping;
      r.network.close();
    }
  });
}

export async function rig(
  options: Partial<SbdLinkOptions> = {},
  network?: SimulatedIridiumNetwork,
): Promise<Rig> {
  const clock = new SteppingClock();
  const net = network ?? new SimulatedIridiumNetwork({ clock });
  const modem = new FakeSbdModem({ network: net, clock, momsn: 40 });
  // The mailbox-silence bound has its own tests; elsewhere it would only add sessions.
  const link = new SbdLink({
    id: 'sbd0',
    modem,
    clock,
    random: seededRandom(3),
    maxSilenceMs: Number.POSITIVE_INFINITY,
    ...options,
  });
  const r: Rig = {
    clock,
    network: net,
    modem,
    link,
    mo: [],
    sessions: [],
    alarms: [],
    frames: [],
    states: [],
  };
  net.on('mo', (m) => r.mo.push(m));
  link.sbdEvents.on('session', (s) => r.sessions.push(s));
  link.sbdEvents.on('alarm', (a) => r.alarms.push(a));
  link.on('frame', (f) => r.frames.push(f));
  link.on('state', (s) => r.states.push(s));
  rigs.push(r);
  await link.start();
  expect(link.state.status).toBe('up');
  return r;
}

/** Sends and returns a handle whose `outcome` is filled in when the send resolves. */
export function send(
  link: SbdLink,
  frame: Uint8Array,
  priority?: Priority,
  signal?: AbortSignal,
  awaitsReply?: boolean,
) {
  const handle: { outcome?: SendOutcome } = {};
  void link
    .send(frame, {
      ...(priority !== undefined ? { priority } : {}),
      ...(signal ? { signal } : {}),
      ...(awaitsReply ? { awaitsReply } : {}),
    })
    .then((o) => {
      handle.outcome = o;
    });
  return handle;
}

export const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');

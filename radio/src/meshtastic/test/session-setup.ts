/**
 * Test support for the device session tests: a session over an in-process stream to a scripted
 * device, with short timeouts; a send request; polling waits.
 */
import { DeviceSession } from '../device-session.js';
import type { DeviceSessionOptions, SessionSendRequest } from '../device-session-types.js';
import { ScriptedDevice, type ScriptedDeviceOptions } from './scripted-device.js';

const sessions: DeviceSession[] = [];

/** Closes every session made by {@link setup}; call it from afterEach. */
export function closeSessions(): void {
  for (const s of sessions.splice(0)) s.close();
}

export function setup(dev: ScriptedDeviceOptions = {}, opts: Partial<DeviceSessionOptions> = {}) {
  const device = new ScriptedDevice(dev);
  const stream = device.connect();
  const session = new DeviceSession({
    stream,
    wakeDelayMs: 5,
    handshakeTimeoutMs: 400,
    heartbeatIntervalMs: 60_000,
    queueTimeoutMs: 300,
    ...opts,
  });
  sessions.push(session);
  return { device, stream, session };
}

export const DEST = 0x11223344;

export const req = (over: Partial<SessionSendRequest> = {}): SessionSendRequest => ({
  to: DEST,
  portnum: 256,
  payload: Uint8Array.of(0xa1, 0x01, 0x02),
  channel: 0,
  hopLimit: 3,
  wantAck: true,
  ackTimeoutMs: 300,
  ...over,
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `cond` holds, polling; fails the test after `ms`. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

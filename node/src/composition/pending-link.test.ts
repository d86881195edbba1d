/**
 * Tests for pending-link.ts (docs/centre-doors.md §A link that cannot start): a link that could
 * not be built is down with the reason, said once; the real supervisor starts it again, which
 * builds it again; once built, everything is the link's: state, frames both ways, counters,
 * capabilities and the optional parts of the contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { KitError } from '../base/errors.js';
import { silentLogger } from '../base/logger.js';
import { LinkSupervisor } from '../daemon/link-supervisor.js';
import { createFakeLinkPair, type FakeLink } from '../link/fake-link.js';
import { hasSendWindow, hasTimeSource, type InboundFrame, type Link } from '../link/link.js';
import { PendingLink } from './pending-link.js';

const FAST = { backoff: { initialMs: 5, maxMs: 20, jitter: 0 } };
const refused = () => new KitError('KEYS_TEST_KEY', 'link rb0 (verify_key_file /x.pem): the test key');

const until = async (check: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within 2 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A pending link whose build fails while `failing`, then builds `inner`. */
function pending(inner: Link, log = recordingLogger().log) {
  const control = { failing: true, builds: 0 };
  const link = new PendingLink({
    id: inner.id,
    kind: 'iridium-sbd',
    mtu: 270,
    billed: true,
    build: async () => {
      control.builds++;
      if (control.failing) throw refused();
      return inner;
    },
    error: refused(),
    log,
  });
  return { link, control };
}

describe('PendingLink', () => {
  it('is down with the reason, and is built and goes up when the supervisor starts it again', async () => {
    const [inner, peer] = createFakeLinkPair();
    await peer.start();
    cleanups.push(() => peer.stop());
    const { log, lines } = recordingLogger();
    const { link, control } = pending(inner, log);
    expect(link.state).toMatchObject({
      status: 'down',
      reason: 'config-mismatch',
      detail: 'KEYS_TEST_KEY: link rb0 (verify_key_file /x.pem): the test key',
    });
    expect(link.capabilities).toMatchObject({ maxSendBytes: 270, billing: { unitBytes: 50, minUnits: 1 } });
    expect(await link.send(Uint8Array.of(1))).toMatchObject({ ok: false, retry: 'later', code: 'LINK_DOWN' });
    expect(link.counters().errors).toBe(1);

    const supervisor = new LinkSupervisor([link], silentLogger, FAST);
    cleanups.push(() => supervisor.stop());
    await supervisor.start();
    await until(() => control.builds >= 3, 'three builds');
    // Said once, not at every build.
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(link.state.status).toBe('down');

    control.failing = false;
    await until(() => link.state.status === 'up', 'up');
    expect(link.built).toBe(inner);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual([
      'link built: its configuration can be used now',
    ]);

    // Both ways, through the link built.
    const frames: InboundFrame[] = [];
    link.on('frame', (f) => frames.push(f));
    const atPeer = new Promise<InboundFrame>((resolve) => peer.once('frame', resolve));
    expect(await link.send(Uint8Array.of(7))).toEqual({ ok: true });
    expect((await atPeer).bytes).toEqual(Uint8Array.of(7));
    await peer.send(Uint8Array.of(8));
    await until(() => frames.length === 1, 'a frame');
    expect(frames[0]?.bytes).toEqual(Uint8Array.of(8));
    expect(link.counters()).toMatchObject({ txFrames: 1, rxFrames: 1 });
    expect(link.capabilities).toEqual(inner.capabilities);
    expect(link.mtu).toBe(inner.mtu);
    // The fake link has a send window and an address of its own: offered once it is there.
    expect(hasSendWindow(link) && link.sendWindow()).toBe((inner as FakeLink).sendWindow());
    expect(link.selfAddress()).toBe((inner as FakeLink).address);
    expect(await link.networkTime?.()).toBeUndefined();

    // A state change of the link built is the pending link's.
    (inner as FakeLink).setUp(false);
    expect(link.state).toMatchObject({ status: 'down', reason: 'no-service' });
  });

  it('hands the link built the listeners the core gave it before (extra billing, send opportunities)', async () => {
    const [inner] = createFakeLinkPair();
    const reported: number[] = [];
    const extra = new Set<(units: number) => void>();
    Object.assign(inner, {
      onExtraUnits(listener: (units: number) => void) {
        extra.add(listener);
        return () => extra.delete(listener);
      },
    });
    const { link, control } = pending(inner);
    const stop = link.onExtraUnits((u) => reported.push(u));
    control.failing = false;
    await link.start();
    cleanups.push(() => link.stop());
    for (const l of extra) l(2);
    expect(reported).toEqual([2]);
    stop();
    expect(extra.size).toBe(0);
  });

  it('offers the time only for a kind of link that may tell it (the core looks once, at start)', () => {
    const [inner] = createFakeLinkPair();
    const options = {
      id: 'x',
      kind: 'iridium-sbd' as const,
      mtu: 270,
      billed: true,
      error: refused(),
      log: silentLogger,
    };
    const build = async () => inner;
    expect(hasTimeSource(new PendingLink({ ...options, build }))).toBe(true);
    expect(hasTimeSource(new PendingLink({ ...options, build, tellsTime: false }))).toBe(false);
  });

  it('stops as a link does: down/stopped, final, sends refused', async () => {
    const [inner] = createFakeLinkPair();
    const { link } = pending(inner);
    const states: string[] = [];
    link.on('state', (s) => states.push(s.status === 'down' ? s.reason : s.status));
    await link.stop();
    expect(states).toEqual(['stopped']);
    await expect(link.start()).rejects.toMatchObject({ code: 'LINK_CLOSED' });
    await expect(link.send(Uint8Array.of(1))).rejects.toMatchObject({ code: 'LINK_CLOSED' });
  });
});

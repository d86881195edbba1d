import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import type { Link, LinkCapabilities, LinkEvents, LinkState, SendOutcome } from '../link/link.js';
import { LinkSupervisor } from './link-supervisor.js';

const FAST = { backoff: { initialMs: 5, maxMs: 20, jitter: 0 } };

/** A link whose start() is refused without a word while `held` (a stop pause), and counted. */
class HeldLink extends EventEmitter<LinkEvents> implements Link {
  readonly id = 'held';
  readonly kind = 'fake' as const;
  readonly mtu = 10;
  readonly capabilities: LinkCapabilities = {
    maxSendBytes: 10,
    maxReceiveBytes: 10,
    minSendIntervalMs: 0,
    confirmationWaitMs: 0,
    sharedMedium: false,
  };
  state: LinkState = { status: 'down', reason: 'no-device', since: 0 };
  held = true;
  starts = 0;

  async start(): Promise<void> {
    this.starts++;
    if (this.held) return;
    this.state = { status: 'up', since: Date.now() };
    this.emit('state', this.state);
  }

  async stop(): Promise<void> {
    this.state = { status: 'down', reason: 'stopped', since: Date.now() };
    this.emit('state', this.state);
  }

  async send(): Promise<SendOutcome> {
    return { ok: true };
  }

  counters() {
    return { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0 };
  }
}

/** A link whose start() throws `error` while it is set (a fault the link reports by throwing). */
class ThrowingLink extends HeldLink {
  error: Error | undefined;

  override async start(): Promise<void> {
    if (this.error) {
      this.starts++;
      throw this.error;
    }
    this.held = false;
    return super.start();
  }
}

const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

const supervisors: LinkSupervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stop();
});

describe('LinkSupervisor', () => {
  it('starts a link that went down again, and stops retrying once it is up', async () => {
    const [link] = createFakeLinkPair();
    link.setUp(false);
    let starts = 0;
    link.on('state', (s) => {
      if (s.status === 'starting') starts++;
    });
    const supervisor = new LinkSupervisor([link], silentLogger, FAST);
    supervisors.push(supervisor);
    await supervisor.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'no-service' });
    await until(() => starts >= 3);
    link.setUp(true);
    await until(() => link.state.status === 'up');
    const after = starts;
    await new Promise((r) => setTimeout(r, 60));
    expect(starts).toBe(after);
  });

  it('tries again after an attempt that left the link down without a state change', async () => {
    const link = new HeldLink();
    const supervisor = new LinkSupervisor([link], silentLogger, FAST);
    supervisors.push(supervisor);
    await supervisor.start();
    await until(() => link.starts >= 3);
    link.held = false;
    await until(() => link.state.status === 'up');
  });

  it('restarts nothing after stop(), and leaves a stopped link stopped', async () => {
    const link = new HeldLink();
    const supervisor = new LinkSupervisor([link], silentLogger, FAST);
    await supervisor.start();
    await supervisor.stop();
    const starts = link.starts;
    await new Promise((r) => setTimeout(r, 60));
    expect(link.starts).toBe(starts);
    expect(link.state).toMatchObject({ status: 'down', reason: 'stopped' });
  });

  it('retries a link whose start() throws, logging each distinct error once until it is up', async () => {
    const link = new ThrowingLink();
    link.error = new Error('verify key file missing');
    const errors: string[] = [];
    const log = {
      ...silentLogger,
      error: (o: object | string) => errors.push((o as { err: Error }).err.message),
    };
    const supervisor = new LinkSupervisor([link], log, FAST);
    supervisors.push(supervisor);
    await supervisor.start();
    await until(() => link.starts >= 3);
    link.error = new Error('verify key file unreadable');
    await until(() => errors.length === 2);
    const starts = link.starts;
    await until(() => link.starts >= starts + 2);
    expect(errors).toEqual(['verify key file missing', 'verify key file unreadable']);
    link.error = undefined;
    await until(() => link.state.status === 'up');
  });
});

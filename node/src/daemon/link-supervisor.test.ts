import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
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

  it('reminds that a link is still down after 1, 10 and 60 minutes, then hourly, on its own clock', async () => {
    const link = new HeldLink();
    link.state = { status: 'down', reason: 'no-device', detail: 'no /dev/ttyUSB0', since: 0 };
    let now = 0;
    const { log, lines } = recordingLogger();
    const supervisor = new LinkSupervisor([link], log, { ...FAST, now: () => now });
    supervisors.push(supervisor);
    const reminders = () => lines.filter((l) => l.msg.startsWith('link still down'));
    /** Moves the clock and waits for two more attempts, so that each has looked at the time. */
    const at = async (minutes: number) => {
      now = minutes * 60_000;
      const starts = link.starts;
      await until(() => link.starts >= starts + 2);
    };
    await supervisor.start();
    await at(0.9);
    expect(reminders()).toEqual([]);
    await at(1);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]?.level).toBe('warn');
    expect(reminders()[0]?.msg).toMatch(/^link still down after 1 min, \d+ attempts$/);
    expect(reminders()[0]?.obj).toMatchObject({
      link: 'held',
      reason: 'no-device',
      detail: 'no /dev/ttyUSB0',
      downMs: 60_000,
    });
    expect(reminders()[0]?.obj).not.toHaveProperty('lastError');
    // Every start so far, the first included, counted by the time of the line.
    expect(reminders()[0]?.obj.attempts).toBe(Number(/(\d+) attempts/.exec(reminders()[0]?.msg ?? '')?.[1]));
    expect(reminders()[0]?.obj.attempts).toBeGreaterThan(2);
    await at(9.9);
    expect(reminders()).toHaveLength(1);
    await at(10);
    await at(59);
    expect(reminders().map((l) => l.msg.replace(/, \d+ attempts$/, ''))).toEqual([
      'link still down after 1 min',
      'link still down after 10 min',
    ]);
    await at(60);
    await at(119);
    expect(reminders()).toHaveLength(3);
    await at(120);
    expect(reminders()).toHaveLength(4);
    // Five hours more at once (a suspended machine): one line, not five.
    await at(420);
    await at(421);
    expect(reminders().map((l) => l.msg.replace(/, \d+ attempts$/, ''))).toEqual([
      'link still down after 1 min',
      'link still down after 10 min',
      'link still down after 60 min',
      'link still down after 2 h',
      'link still down after 7 h',
    ]);
    await at(479);
    expect(reminders()).toHaveLength(5);
    await at(480);
    expect(reminders()).toHaveLength(6);

    link.held = false;
    await until(() => link.state.status === 'up');
    const back = lines.filter((l) => l.msg.startsWith('link is back'));
    expect(back).toHaveLength(1);
    expect(back[0]?.msg).toMatch(/^link is back after 8 h down, \d+ attempts$/);
    expect(back[0]?.obj).toMatchObject({ link: 'held', attempts: link.starts, downMs: 480 * 60_000 });
  });

  it('a reminder names the last error a start() threw, and an outage after the link was up starts again', async () => {
    const link = new ThrowingLink();
    link.error = Object.assign(new Error('cannot open /dev/ttyUSB0'), { code: 'SERIAL_OPEN' });
    let now = 0;
    const { log, lines } = recordingLogger();
    const supervisor = new LinkSupervisor([link], log, { ...FAST, now: () => now });
    supervisors.push(supervisor);
    await supervisor.start();
    now = 60_000;
    await until(() => lines.some((l) => l.msg.startsWith('link still down')));
    expect(lines.find((l) => l.msg.startsWith('link still down'))?.obj).toMatchObject({
      lastError: 'SERIAL_OPEN: cannot open /dev/ttyUSB0',
    });
    link.error = undefined;
    await until(() => link.state.status === 'up');
    // Down again later: its first reminder is a minute after this outage began, not the first.
    link.error = new Error('gone again');
    link.state = { status: 'down', reason: 'port-closed', since: now };
    link.emit('state', link.state);
    const count = () => lines.filter((l) => l.msg.startsWith('link still down')).length;
    const starts = link.starts;
    await until(() => link.starts >= starts + 2);
    expect(count()).toBe(1);
    now += 60_000;
    await until(() => count() === 2);
    expect(lines.filter((l) => l.msg.startsWith('link still down'))[1]?.obj).toMatchObject({
      downMs: 60_000,
      lastError: 'Error: gone again',
    });
  });

  it('tells the status since when a link is down and how often it was tried, not since its last attempt', async () => {
    const link = new HeldLink();
    let wall = Date.UTC(2026, 6, 13, 16, 20);
    const supervisor = new LinkSupervisor([link], silentLogger, { ...FAST, wallNow: () => wall });
    supervisors.push(supervisor);
    expect(supervisor.fields('held')).toEqual({});
    await supervisor.start();
    wall += 3 * 3600_000;
    await until(() => link.starts >= 4);
    const { outage } = supervisor.fields('held');
    expect(outage).toMatchObject({ since: Date.UTC(2026, 6, 13, 16, 20), lastError: 'no-device' });
    expect(outage?.attempts).toBeGreaterThanOrEqual(4);
    link.held = false;
    await until(() => link.state.status === 'up');
    expect(supervisor.fields('held')).toEqual({});
  });
});

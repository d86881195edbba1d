/**
 * The kit's health message and its reporter (health-report.ts, health-reporter.ts; docs/kits.md
 * §What a kit tells the centre): the status and the power become the body the wire carries
 * (links by code, the queue summed, volts in hundredths, a clock source or link reason this version
 * lacks still meaning something), the draft is P3, no receipt, two intervals long; the reporter
 * sends on its interval and sooner when the power source changes, but not more than once a minute,
 * and logs a failure once.
 */
import { describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../../../test/recording-logger.js';
import type { NodeStatus } from '../../app-contract.js';
import { KitError } from '../../base/errors.js';
import type { Draft } from '../../core/core-types.js';
import { K1 } from '../../wire/fixtures/kit-health-messages.js';
import { encodeMessage } from '../../wire/message.js';
import { healthBody, healthDraft, type PowerReading } from './health-report.js';
import { HealthReporter } from './health-reporter.js';

const T0 = K1.createdAt * 1000;

function status(over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    node: { id: 2107, role: 'kit' },
    startedAt: T0 - 24 * 3600_000,
    clock: { now: T0, trusted: true, source: 'gps' },
    links: [
      { id: 'mesh0', kind: 'meshtastic', state: { status: 'up', since: T0 }, counters: {} },
      {
        id: 'sat0',
        kind: 'iridium-sbd',
        state: { status: 'down', reason: 'no-service', since: T0 },
        counters: {},
      },
    ],
    queue: { mesh0: 2, sat0: 1 },
    ...over,
  };
}

const power: PowerReading = {
  source: 'battery',
  batteryPercent: 64,
  batteryVolts: 12.4,
  charging: false,
  minutesLeft: 410,
  at: T0,
};

describe('the health message of a kit', () => {
  it('is vector K1 from the status and power K1 describes', () => {
    expect(healthBody(status(), power, 900_000, T0)).toEqual(K1.body);
    expect(healthDraft(K1.body)).toEqual({
      kind: 'health',
      body: K1.body,
      dest: { to: 'centre' },
      priority: 3,
      lifetimeMin: 30,
      flags: ['noReceipt'],
    });
  });

  it('says unknown power without a reader, and keeps what the wire cannot carry within its bounds', () => {
    const body = healthBody(
      status({
        clock: { now: T0, trusted: false, source: 'sundial' },
        links: [
          { id: 'x', kind: 'fake', state: { status: 'up', since: T0 }, counters: {} },
          { id: 'u', kind: 'ip', state: { status: 'down', reason: 'new-reason', since: T0 }, counters: {} },
          { id: 'b', kind: 'beidou', state: { status: 'starting' }, counters: {} },
        ],
        queue: {},
      }),
      undefined,
      200_000_000,
      T0,
    );
    expect(body).toEqual({
      intervalS: 86_400,
      power: 'unknown',
      clock: 0,
      clockTrusted: false,
      links: [
        { kind: 3, state: 2 }, // ip, a reason this version lacks: down all the same
        { kind: 2, state: 1 }, // beidou, starting
      ],
      queued: 0,
      upMin: 1440,
    });
    const odd = healthBody(
      status(),
      { source: 'solar', batteryPercent: 101.4, batteryVolts: 13.456, at: T0 },
      900_000,
      T0,
    );
    expect(odd).toMatchObject({ power: 'solar', batteryPct: 100, batteryVolts: 13.46 });
    // Whatever it makes, the wire takes.
    expect(() => encodeMessage({ ...K1, body: odd }, { scheme: 'none' })).not.toThrow();
  });
});

describe('the health reporter', () => {
  it('sends on its interval, and sooner when the power source changes, once a minute at most', async () => {
    const sent: Array<Draft<'health'>> = [];
    let reading: PowerReading = { ...power, source: 'mains' };
    let now = T0;
    const reporter = new HealthReporter({
      intervalMs: 600_000,
      status: () => status(),
      power: () => reading,
      submit: async (d) => {
        sent.push(d);
        return `2107/${sent.length}`;
      },
      now: () => now,
      firstAfterMs: 0,
      // No jitter: each message the whole interval after the last.
      random: () => 0,
      lookMs: 10,
      log: recordingLogger().log,
    });
    reporter.start();
    await waitFor(() => sent.length === 1);
    expect(sent[0]?.body).toMatchObject({ intervalS: 600, power: 'mains' });
    // The mains fail: not sooner than a minute after the last message…
    reading = { ...power, source: 'battery' };
    now += 30_000;
    await sleep(40);
    expect(sent).toHaveLength(1);
    // …but as soon as a minute has passed, without waiting for the interval.
    now += 31_000;
    await waitFor(() => sent.length === 2);
    expect(sent[1]?.body.power).toBe('battery');
    // Then the interval: ten minutes after the last.
    now += 599_000;
    await sleep(40);
    expect(sent).toHaveLength(2);
    now += 1000;
    await waitFor(() => sent.length === 3);
    await reporter.stop();
    const count = sent.length;
    await sleep(150);
    expect(sent).toHaveLength(count);
  });

  it('spreads the first message of kits started together over a minute, and each later one up to a tenth sooner', async () => {
    vi.useFakeTimers();
    try {
      const sentAt = async (random: () => number, intervalMs: number, count: number) => {
        const at: number[] = [];
        const start = Date.now();
        const reporter = new HealthReporter({
          intervalMs,
          status: () => status(),
          submit: async () => {
            at.push(Date.now() - start);
            return `2107/${at.length}`;
          },
          now: () => Date.now(),
          random,
          log: recordingLogger().log,
        });
        reporter.start();
        for (let t = 0; t < 3 * intervalMs && at.length < count; t += 250)
          await vi.advanceTimersByTimeAsync(250);
        await reporter.stop();
        return at;
      };
      const HOUR = 3_600_000;
      expect(await sentAt(() => 0, HOUR, 2)).toEqual([10_000, 10_000 + HOUR]);
      // Drawn halfway: 30 s more for the first, then the interval less 5 %.
      expect(await sentAt(() => 0.5, HOUR, 3)).toEqual([40_000, 40_000 + 0.95 * HOUR, 40_000 + 1.9 * HOUR]);
      expect(await sentAt(() => 0.999_9, HOUR, 1)).toEqual([69_994]);
      // A short interval: a quarter of it at most.
      expect(await sentAt(() => 0.5, 4000, 1)).toEqual([4500]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('logs a failure once, and when it sends again', async () => {
    const { log, lines } = recordingLogger();
    let full = true;
    let now = T0;
    const reporter = new HealthReporter({
      intervalMs: 1000,
      status: () => status(),
      submit: async () => {
        if (full) throw new KitError('STORE_FULL', 'the disk is full');
        return '2107/9';
      },
      now: () => now,
      log,
    });
    expect(await reporter.sendNow()).toBeUndefined();
    now += 1000;
    expect(await reporter.sendNow()).toBeUndefined();
    full = false;
    expect(await reporter.sendNow()).toBe('2107/9');
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'health message not made; tried again at the next interval',
    ]);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual(['health message sent again']);
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not within the time');
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

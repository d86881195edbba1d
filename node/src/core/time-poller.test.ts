import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { SteppingClock } from '../link/clock.js';
import { createFakeMedium, type FakeLink } from '../link/fake-link.js';
import type { TimeSource } from '../link/link.js';
import { TimePoller } from './time-poller.js';
import { TrustedClock } from './trusted-clock.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 6, 13, 19, 0, 0);

type Answer = Awaited<ReturnType<TimeSource['networkTime']>>;

/** A fake link that tells the time by `answer()`, counting the questions. */
function timeLink(
  id: string,
  answer: () => Answer | Promise<Answer>,
): FakeLink & TimeSource & { asked: number } {
  const link = createFakeMedium().attach({ id });
  return Object.assign(link, {
    asked: 0,
    async networkTime(this: { asked: number }) {
      this.asked++;
      return answer();
    },
  });
}

const running: TimePoller[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.stop();
});

function setup(links: FakeLink[]) {
  const timers = new SteppingClock();
  const { log, lines } = recordingLogger();
  const readings: Array<{ source: string; time: number; at: number | undefined }> = [];
  const clock = {
    observe: (source: string, time: number, at?: number) => {
      readings.push({ source, time, at });
      return { accepted: true as const, stepMs: 0 };
    },
  };
  const poller = new TimePoller({ links, clock, timers, log, intervalMs: 5 * MIN, afterUpMs: 15_000 });
  running.push(poller);
  return { poller, timers, lines, readings };
}

describe('TimePoller', () => {
  it('asks a link soon after it comes up, then every interval, with the moment of the reading', async () => {
    const gps = timeLink('mesh0', () => ({ time: T0, source: 'gps' }));
    const { poller, timers, readings } = setup([gps]);
    await gps.start();
    poller.start();
    await timers.run(14_999);
    expect(gps.asked).toBe(0);
    await timers.run(1);
    expect(readings).toEqual([{ source: 'gps', time: T0, at: 15_000 }]);
    await timers.run(5 * MIN);
    expect(gps.asked).toBe(2);
    await timers.run(10 * MIN);
    expect(gps.asked).toBe(4);
  });

  it('asks again soon when a link comes back up, and never while it is down', async () => {
    const sat = timeLink('sbd0', () => ({ time: T0, source: 'iridium' }));
    const { poller, timers } = setup([sat]);
    poller.start();
    await sat.start();
    await timers.run(15_000);
    expect(sat.asked).toBe(1);
    sat.setUp(false);
    await timers.run(20 * MIN);
    expect(sat.asked).toBe(1);
    sat.setUp(true);
    await timers.run(15_000);
    expect(sat.asked).toBe(2);
  });

  it('leaves links without a time alone', async () => {
    const plain = createFakeMedium().attach({ id: 'udp0' });
    await plain.start();
    const { poller, timers, readings, lines } = setup([plain]);
    poller.start();
    await timers.run(30 * MIN);
    expect(readings).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('catches a failing networkTime and logs it once, then once when it recovers', async () => {
    let fail = true;
    const sat = timeLink('sbd0', () => {
      if (fail) throw Object.assign(new Error('AT-MSSTM gave no -MSSTM line'), { code: 'AT_MALFORMED' });
      return { time: T0, source: 'iridium' };
    });
    const { poller, timers, lines, readings } = setup([sat]);
    await sat.start();
    poller.start();
    await timers.run(15_000 + 3 * 5 * MIN);
    expect(sat.asked).toBe(4);
    const warns = lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]?.obj).toMatchObject({ link: 'sbd0' });
    expect((warns[0]!.obj.err as Error).message).toContain('MSSTM');
    fail = false;
    await timers.run(2 * 5 * MIN);
    expect(readings).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'the link gives iridium time')).toHaveLength(1);
    expect(lines).toHaveLength(2);
  });

  it('logs "no time yet" once, and gives the clock nothing', async () => {
    const gps = timeLink('mesh0', () => undefined);
    const { poller, timers, lines, readings } = setup([gps]);
    await gps.start();
    poller.start();
    await timers.run(15_000 + 6 * 5 * MIN);
    expect(gps.asked).toBe(7);
    expect(readings).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual(['the link has no time to give yet (no GPS fix, no network)']);
  });

  it('ignores NTP time and answers that are not a time', async () => {
    const answers: Answer[] = [
      { time: T0, source: 'ntp' },
      { time: Number.NaN, source: 'gps' },
      { time: T0, source: 'sundial' as 'gps' },
    ];
    const odd = timeLink('odd0', () => answers.shift());
    const { poller, timers, readings, lines } = setup([odd]);
    await odd.start();
    poller.start();
    await timers.run(15_000 + 2 * 5 * MIN);
    expect(odd.asked).toBe(3);
    expect(readings).toEqual([]);
    expect(lines.map((l) => l.level)).toEqual(['info', 'warn']);
  });

  it('never asks one link twice at once', async () => {
    let release: (a: Answer) => void = () => {};
    const slow = timeLink('sbd0', () => new Promise<Answer>((r) => (release = r)));
    const { poller, timers, readings } = setup([slow]);
    await slow.start();
    poller.start();
    await timers.run(15_000);
    await Promise.all([poller.poll(), poller.poll(), timers.run(0)]);
    expect(slow.asked).toBe(1);
    release({ time: T0, source: 'iridium' });
    await timers.run(0);
    expect(readings).toHaveLength(1);
  });

  it('stops asking after stop()', async () => {
    const gps = timeLink('mesh0', () => ({ time: T0, source: 'gps' }));
    const { poller, timers } = setup([gps]);
    await gps.start();
    poller.start();
    await timers.run(15_000);
    poller.stop();
    gps.setUp(false);
    gps.setUp(true);
    await timers.run(30 * MIN);
    expect(gps.asked).toBe(1);
  });

  it('makes a kit’s clock trusted from its radio’s GPS', async () => {
    const timers = new SteppingClock();
    const { log } = recordingLogger();
    const clock = new TrustedClock({ system: () => 0, timers, log });
    const gps = timeLink('mesh0', () => ({ time: T0 + timers.now(), source: 'gps' }));
    const poller = new TimePoller({ links: [gps], clock, timers, log });
    running.push(poller);
    await gps.start();
    poller.start();
    expect(clock.trusted()).toBe(false);
    await timers.run(15_000);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'gps', now: T0 + 15_000 });
    clock.stop();
  });
});

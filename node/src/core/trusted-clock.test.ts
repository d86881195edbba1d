import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import type { NodeClockStatus } from '../app-contract.js';
import { VirtualClock } from '../link/clock.js';
import { type ClockStatus, type ClockStep, TrustedClock, type TrustedClockOptions } from './trusted-clock.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** The true time at the start of each test. */
const T0 = Date.UTC(2026, 6, 13, 19, 0, 0);

/** A kit after a power cut: its system clock restored by fake-hwclock two days behind. */
function kit(opts: Partial<TrustedClockOptions> = {}) {
  const timers = new VirtualClock();
  let systemBehind = 2 * 24 * HOUR;
  const truth = () => T0 + timers.now();
  const { log, lines } = recordingLogger();
  const clock = new TrustedClock({ system: () => truth() - systemBehind, timers, log, ...opts });
  const trust: ClockStatus[] = [];
  const steps: ClockStep[] = [];
  clock.on('trust', (s) => trust.push(s));
  clock.on('step', (s) => steps.push(s));
  return {
    clock,
    timers,
    truth,
    lines,
    trust,
    steps,
    /** Sets the system clock (NTP, date -s). */
    setSystem: (ms: number) => {
      systemBehind = truth() - ms;
    },
    warnings: () => lines.filter((l) => l.level === 'warn'),
  };
}

describe('TrustedClock before any source', () => {
  it('is untrusted on a kit, runs on the system clock and says what is missing', () => {
    const k = kit();
    expect(k.clock.trusted()).toBe(false);
    expect(k.clock.expiryTrusted()).toBe(false);
    expect(k.clock.now()).toBe(k.truth() - 2 * 24 * HOUR);
    expect(k.clock.status()).toEqual({
      now: k.truth() - 2 * 24 * HOUR,
      trusted: false,
      expiryTrusted: false,
      source: 'none',
      why: 'no GPS fix, no Iridium time, no signed time from the centre yet; the system clock is not trusted',
      offsetMs: 0,
    });
  });

  it('trusts the system clock where configured (the centre), and ignores device times that agree', () => {
    const k = kit({ trustSystem: true });
    k.setSystem(k.truth());
    expect(k.clock.trusted()).toBe(true);
    expect(k.clock.status()).toMatchObject({ source: 'system', trusted: true, offsetMs: 0 });
    expect(k.clock.observe('gps', k.truth() + 2000)).toMatchObject({
      accepted: false,
      reason: 'system-trusted',
    });
    expect(k.warnings()).toEqual([]);
    expect(k.clock.observe('gps', k.truth() + HOUR)).toMatchObject({
      accepted: false,
      reason: 'system-trusted',
    });
    expect(k.warnings()).toHaveLength(1);
    expect(k.clock.now()).toBe(k.truth());
  });
});

describe('TrustedClock with device times', () => {
  it('GPS sets the clock, gains trust, steps it once, and logs the change', () => {
    const k = kit();
    expect(k.clock.observe('gps', k.truth())).toEqual({ accepted: true, stepMs: 2 * 24 * HOUR });
    expect(k.clock.now()).toBe(k.truth());
    expect(k.clock.trusted()).toBe(true);
    expect(k.clock.expiryTrusted()).toBe(true);
    expect(k.steps).toEqual([
      { from: k.truth() - 2 * 24 * HOUR, to: k.truth(), stepMs: 2 * 24 * HOUR, source: 'gps' },
    ]);
    expect(k.trust.map((s) => [s.trusted, s.source])).toEqual([[true, 'gps']]);
    expect(k.lines.filter((l) => l.msg === 'clock trusted')).toHaveLength(1);
    k.timers.advance(3 * MIN);
    expect(k.clock.status()).toMatchObject({
      source: 'gps',
      trusted: true,
      since: k.truth() - 3 * MIN,
      offsetMs: 2 * 24 * HOUR,
      why: "GPS time from this node's radio, 3 min ago",
    });
  });

  it('runs on the monotonic clock: a step of the system clock does not move it', () => {
    const k = kit();
    k.clock.observe('gps', k.truth());
    k.setSystem(Date.UTC(1970, 0, 1));
    k.timers.advance(10 * MIN);
    expect(k.clock.now()).toBe(k.truth());
    k.setSystem(k.truth() + 365 * 24 * HOUR);
    expect(k.clock.now()).toBe(k.truth());
  });

  it('takes the age of a reading into account', () => {
    const k = kit();
    const readAt = k.timers.now();
    const read = k.truth();
    k.timers.advance(900);
    k.clock.observe('iridium', read, readAt);
    expect(k.clock.now()).toBe(k.truth());
  });

  it('refuses a time before the wire epoch, once in the log', () => {
    const k = kit();
    const rollover = k.truth() - 1024 * 7 * 24 * HOUR; // GPS week rollover: 19.6 years early
    expect(k.clock.observe('gps', rollover)).toMatchObject({ accepted: false, reason: 'before-epoch' });
    expect(k.clock.observe('gps', rollover)).toMatchObject({ accepted: false, reason: 'before-epoch' });
    expect(k.warnings()).toHaveLength(1);
    expect(k.clock.trusted()).toBe(false);
    expect(k.clock.status().why).toMatch(
      /GPS time from this node's radio refused: 2006-.* is before 2024-01-01/,
    );
  });

  it('refuses a big jump back or forward while trusted, once, and takes agreeing times again', () => {
    const k = kit();
    k.clock.observe('gps', k.truth());
    k.timers.advance(5 * MIN);
    for (const wrong of [k.truth() - HOUR, k.truth() - 2 * HOUR]) {
      expect(k.clock.observe('gps', wrong)).toMatchObject({
        accepted: false,
        reason: 'outside-trusted-window',
      });
    }
    expect(k.warnings()).toHaveLength(1);
    expect(k.warnings()[0]?.obj.detail).toMatch(/^60 min behind the time trusted from gps/);
    expect(k.clock.now()).toBe(k.truth());
    expect(k.clock.observe('gps', k.truth() + 5 * 24 * HOUR)).toMatchObject({
      reason: 'outside-trusted-window',
    });
    expect(k.warnings()).toHaveLength(1); // the same source and reason: not logged again
    expect(k.clock.observe('gps', k.truth() + 3000)).toMatchObject({ accepted: true, stepMs: 3000 });
    expect(k.clock.status().why).not.toContain('refused');
    expect(k.clock.observe('gps', k.truth() - HOUR)).toMatchObject({ reason: 'outside-trusted-window' });
    expect(k.warnings()).toHaveLength(2); // after an accepted reading, a new refusal is news
  });

  it('bounds a spoofer who walks the time slowly: the window grows with drift, not with each step', () => {
    const k = kit();
    k.clock.observe('gps', k.truth());
    let offset = 0;
    let refused = false;
    for (let poll = 0; poll < 288 && !refused; poll++) {
      k.timers.advance(5 * MIN);
      offset -= 8000; // 8 s further behind at every poll: each step alone is within 10 s
      refused = !k.clock.observe('gps', k.truth() + offset).accepted;
    }
    expect(refused).toBe(true);
    expect(k.truth() - k.clock.now()).toBeLessThanOrEqual(10_000 + 0.0002 * 24 * HOUR);
  });

  it('lets trust lapse after holdTrustMs without a reading, announcing it, then takes any plausible time', () => {
    const k = kit({ holdTrustMs: 24 * HOUR });
    k.clock.observe('gps', k.truth());
    k.timers.advance(24 * HOUR - 1);
    expect(k.clock.trusted()).toBe(true);
    k.timers.advance(1);
    expect(k.clock.trusted()).toBe(false);
    expect(k.trust.map((s) => s.trusted)).toEqual([true, false]);
    expect(k.lines.filter((l) => l.msg === 'clock no longer trusted')).toHaveLength(1);
    expect(k.clock.status()).toMatchObject({ source: 'gps', trusted: false, expiryTrusted: false });
    expect(k.clock.status().why).toBe(
      "last GPS time from this node's radio 24 h ago; a device's time is trusted for 24 h after it is read",
    );
    // Outside trust a correction of any size is taken: that is how a clock that ran ahead is fixed.
    expect(k.clock.observe('gps', k.truth() - 2 * HOUR)).toMatchObject({ accepted: true, stepMs: -2 * HOUR });
    expect(k.clock.trusted()).toBe(true);
  });

  it('a reading within a second confirms without moving the clock, and renews trust', () => {
    const k = kit({ holdTrustMs: 2 * HOUR });
    k.clock.observe('gps', k.truth());
    k.timers.advance(90 * MIN);
    expect(k.clock.observe('gps', k.truth() + 600)).toEqual({ accepted: true, stepMs: 0 });
    k.timers.advance(90 * MIN);
    expect(k.clock.trusted()).toBe(true);
    expect(k.trust).toHaveLength(1);
  });

  it('ranks GPS over Iridium: Iridium is compared only while GPS is fresh, then takes over', () => {
    const k = kit();
    k.clock.observe('gps', k.truth());
    k.timers.advance(10 * MIN);
    expect(k.clock.observe('iridium', k.truth() + 3000)).toMatchObject({
      accepted: false,
      reason: 'outranked',
    });
    expect(k.clock.now()).toBe(k.truth());
    // A wrongly chosen era is eleven years out: refused even though GPS has not been heard from.
    k.timers.advance(HOUR);
    expect(k.clock.observe('iridium', k.truth() + 11 * 365 * 24 * HOUR)).toMatchObject({
      reason: 'outside-trusted-window',
    });
    expect(k.clock.observe('iridium', k.truth() + 3000)).toMatchObject({ accepted: true, stepMs: 3000 });
    expect(k.clock.status().source).toBe('iridium');
    // GPS outranks the source trust was gained on: it may move the clock further.
    expect(k.clock.observe('gps', k.truth())).toMatchObject({ accepted: true, stepMs: -3000 });
  });

  it('a higher-ranked source may correct a time an operator set', () => {
    const k = kit();
    k.clock.observe('operator', k.truth() - 20 * MIN);
    expect(k.clock.status()).toMatchObject({ source: 'operator', trusted: true });
    expect(k.clock.observe('iridium', k.truth())).toMatchObject({ accepted: true, stepMs: 20 * MIN });
    expect(k.clock.observe('operator', k.truth() - 20 * MIN)).toMatchObject({
      accepted: false,
      reason: 'outside-trusted-window',
    });
  });
});

describe('TrustedClock with the centre’s signed time', () => {
  it('moves an untrusted clock forward to it, safe for expiry but not for stamping', () => {
    const k = kit();
    const signed = k.truth() - 6 * HOUR; // it waited six hours in a queue
    expect(k.clock.observeSignedLowerBound(signed, 'control 0/17')).toEqual({
      accepted: true,
      stepMs: 42 * HOUR,
    });
    expect(k.clock.now()).toBe(signed);
    expect(k.clock.trusted()).toBe(false);
    expect(k.clock.expiryTrusted()).toBe(true);
    k.timers.advance(2 * HOUR);
    expect(k.clock.status()).toMatchObject({
      now: signed + 2 * HOUR,
      source: 'centre',
      lowerBound: signed + 2 * HOUR,
      since: signed,
      trusted: false,
      expiryTrusted: true,
    });
    expect(k.clock.status().why).toMatch(
      /^at least the centre's signed time \(control 0\/17\), received 2 h ago/,
    );
    expect(k.trust.map((s) => [s.trusted, s.expiryTrusted, s.source])).toEqual([[false, true, 'centre']]);
  });

  it('never moves the clock back: an older signed time (a replay) changes nothing', () => {
    const k = kit();
    k.clock.observeSignedLowerBound(k.truth() - HOUR, 'first');
    const before = k.clock.now();
    expect(k.clock.observeSignedLowerBound(k.truth() - 3 * HOUR, 'replayed')).toMatchObject({
      accepted: false,
      reason: 'not-newer',
    });
    expect(k.clock.now()).toBe(before);
  });

  it('keeps now() at or above the bound: a device time below it is refused', () => {
    const k = kit();
    k.clock.observeSignedLowerBound(k.truth(), 'control 0/18');
    expect(k.clock.observe('gps', k.truth() - 10 * MIN)).toMatchObject({
      accepted: false,
      reason: 'below-signed-bound',
    });
    expect(k.clock.now()).toBe(k.truth());
    // Within the slack a device time is taken, and the clock is held at the bound.
    expect(k.clock.observe('gps', k.truth() - 30_000)).toMatchObject({ accepted: true, stepMs: 0 });
    expect(k.clock.now()).toBe(k.truth());
    expect(k.clock.trusted()).toBe(true);
    k.timers.advance(MIN);
    expect(k.clock.now()).toBe(k.truth());
  });

  it('a device time ahead of the bound takes over and gives full trust', () => {
    const k = kit();
    k.clock.observeSignedLowerBound(k.truth() - 5 * HOUR, 'late');
    expect(k.clock.observe('gps', k.truth())).toMatchObject({ accepted: true, stepMs: 5 * HOUR });
    expect(k.clock.status()).toMatchObject({
      source: 'gps',
      trusted: true,
      lowerBound: k.truth() - 5 * HOUR,
    });
  });

  it('is refused when far ahead of a time GPS holds: the node’s own devices outrank the centre', () => {
    const k = kit();
    k.clock.observe('gps', k.truth());
    expect(k.clock.observeSignedLowerBound(k.truth() + 10 * 365 * 24 * HOUR, 'control 9/1')).toMatchObject({
      accepted: false,
      reason: 'outside-trusted-window',
    });
    expect(k.clock.now()).toBe(k.truth());
    expect(k.warnings()).toHaveLength(1);
  });

  it('moves an operator’s time forward: the centre outranks an operator', () => {
    const k = kit();
    k.clock.observe('operator', k.truth() - 3 * HOUR);
    expect(k.clock.observeSignedLowerBound(k.truth() - HOUR, 'control 0/19')).toMatchObject({
      accepted: true,
      stepMs: 2 * HOUR,
    });
    expect(k.clock.status()).toMatchObject({ source: 'centre', trusted: false, expiryTrusted: true });
  });
});

describe('TrustedClock status', () => {
  it('is plain JSON, and what NodeStatus.clock carries', () => {
    const k = kit();
    k.clock.observeSignedLowerBound(k.truth() - HOUR, 'control 0/20');
    k.clock.observe('gps', k.truth() - 30 * 24 * HOUR);
    const status: NodeClockStatus = k.clock.status();
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    expect(status.why).toMatch(
      /; GPS time from this node's radio refused: .* before the centre's signed time$/,
    );
  });
});

describe('TrustedClock options', () => {
  it('refuses a hold the timers cannot time', () => {
    const { log } = recordingLogger();
    expect(() => new TrustedClock({ log, holdTrustMs: 0 })).toThrow(RangeError);
    expect(() => new TrustedClock({ log, holdTrustMs: 30 * 24 * HOUR })).toThrow(RangeError);
  });

  it('refuses a time that is not a number', () => {
    const k = kit();
    expect(() => k.clock.observe('gps', Number.NaN)).toThrow(RangeError);
    expect(() => k.clock.observeSignedLowerBound(Number.POSITIVE_INFINITY, 'x')).toThrow(RangeError);
  });
});

/**
 * Tests for refusal-log.ts (docs/centre-doors.md §Refusals and the log): the first few refusals
 * per window in full, then one summary line with the count, by reason, at the end of the window,
 * even when nothing follows the burst.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../../sim/recording-logger.js';
import { RefusalLog } from './refusal-log.js';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

const summaries = (lines: { msg: string; text: string }[]) =>
  lines.filter((l) => l.msg.includes('counted but not logged')).map((l) => JSON.parse(l.text));

describe('RefusalLog', () => {
  it('logs the first perWindow refusals, then one summary line at the end of the window', () => {
    const log = recordingLogger();
    const r = new RefusalLog({ log, msg: 'x refused', perWindow: 3, windowMs: 60_000 });
    for (let i = 0; i < 1000; i++) r.refused({ reason: i % 2 ? 'signature' : 'not-found', n: i });
    expect(log.lines.map((l) => l.msg)).toEqual(['x refused', 'x refused', 'x refused']);
    expect(log.lines.map((l) => JSON.parse(l.text).n)).toEqual([0, 1, 2]);

    vi.advanceTimersByTime(59_999);
    expect(log.lines).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(log.lines).toHaveLength(4);
    expect(summaries(log.lines)).toEqual([
      expect.objectContaining({
        suppressed: 997,
        byReason: { signature: 499, 'not-found': 498 },
        windowMs: 60_000,
      }),
    ]);
    expect(log.lines[3]?.level).toBe('warn');
  });

  it('starts a new window after the last: again a few lines in full', () => {
    const log = recordingLogger();
    const r = new RefusalLog({ log, msg: 'x refused', perWindow: 2, windowMs: 1000 });
    for (let i = 0; i < 5; i++) r.refused({ reason: 'a' });
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 5; i++) r.refused({ reason: 'b' });
    vi.advanceTimersByTime(1000);
    expect(log.lines.map((l) => (l.msg.startsWith('x refused:') ? 'summary' : 'line'))).toEqual([
      'line',
      'line',
      'summary',
      'line',
      'line',
      'summary',
    ]);
    expect(summaries(log.lines).map((s) => s.byReason)).toEqual([{ a: 3 }, { b: 3 }]);
  });

  it('writes no summary when nothing was held back, and none twice', () => {
    const log = recordingLogger();
    const r = new RefusalLog({ log, msg: 'x refused', perWindow: 5, windowMs: 1000 });
    r.refused({ reason: 'a' });
    vi.advanceTimersByTime(5000);
    r.flush();
    expect(log.lines).toHaveLength(1);
  });

  it('flush() writes the pending summary at once and cancels the timer', () => {
    const log = recordingLogger();
    const r = new RefusalLog({ log, msg: 'x refused', perWindow: 0, windowMs: 60_000 });
    r.refused({ reason: 'a' });
    r.refused({ reason: 'a' });
    expect(log.lines).toEqual([]);
    r.flush();
    expect(summaries(log.lines)).toEqual([expect.objectContaining({ suppressed: 2 })]);
    vi.advanceTimersByTime(120_000);
    expect(log.lines).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses nonsense limits', () => {
    const log = recordingLogger();
    expect(() => new RefusalLog({ log, msg: 'x', windowMs: 0 })).toThrow(RangeError);
    expect(() => new RefusalLog({ log, msg: 'x', perWindow: -1 })).toThrow(RangeError);
  });
});

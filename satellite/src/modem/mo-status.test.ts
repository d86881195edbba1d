import { describe, expect, it } from 'vitest';
import { classifyMoStatus, MO_BACKOFF_MS, moStatusText } from './mo-status.js';
import type { MoStatusClass } from './sbd-modem.js';

const success: MoStatusClass = { kind: 'success' };
const transient = (ms: number): MoStatusClass => ({ kind: 'transient', minBackoffMs: ms });

describe('classifyMoStatus (§1.3 MO status table, §7.2)', () => {
  // Every code of the table, one row each.
  const table: [number, MoStatusClass['kind'], string | number][] = [
    [0, 'success', ''],
    [1, 'success', ''],
    [2, 'success', ''],
    [3, 'success', ''],
    [4, 'success', ''],
    [5, 'transient', 30_000],
    [8, 'transient', 30_000],
    [10, 'transient', 30_000],
    [11, 'transient', 30_000],
    [12, 'stop', 'configuration'],
    [13, 'transient', 30_000],
    [14, 'stop', 'configuration'],
    [15, 'stop', 'configuration'],
    [16, 'stop', 'configuration'],
    [17, 'transient', 30_000],
    [18, 'transient', 30_000],
    [19, 'transient', 30_000],
    [20, 'transient', 30_000],
    [31, 'transient', 30_000],
    [32, 'transient', 30_000],
    [33, 'stop', 'hardware'],
    [34, 'stop', 'configuration'],
    [35, 'transient', 30_000],
    [36, 'transient', 180_000],
    [37, 'transient', 600_000],
    [38, 'transient', 600_000],
    [39, 'transient', 30_000],
    [63, 'transient', 30_000],
    [64, 'stop', 'hardware'],
    [65, 'stop', 'hardware'],
  ];

  it.each(table)('MO status %i → %s %s', (status, kind, extra) => {
    const c = classifyMoStatus(status);
    expect(c.kind).toBe(kind);
    if (c.kind === 'transient') expect(c.minBackoffMs).toBe(extra);
    if (c.kind === 'stop') {
      expect(c.alarm).toBe(extra);
      expect(c.detail).toContain(`MO status ${status}`);
    }
  });

  it('0–4 and only 0–4 are success; every status 0–255 has a class', () => {
    for (let s = 0; s <= 255; s++) {
      const c = classifyMoStatus(s);
      expect(c.kind === 'success').toBe(s <= 4);
      if (c.kind === 'transient') expect(c.minBackoffMs).toBeGreaterThanOrEqual(MO_BACKOFF_MS.transient);
    }
    expect(classifyMoStatus(0)).toEqual(success);
    expect(classifyMoStatus(36)).toEqual(transient(180_000));
  });

  it('36 waits at least 180 s, 38 longer than ordinary failures', () => {
    const c36 = classifyMoStatus(36);
    const c38 = classifyMoStatus(38);
    const c32 = classifyMoStatus(32);
    if (c36.kind !== 'transient' || c38.kind !== 'transient' || c32.kind !== 'transient')
      throw new Error('kind');
    expect(c36.minBackoffMs).toBeGreaterThanOrEqual(180_000);
    expect(c38.minBackoffMs).toBeGreaterThan(c32.minBackoffMs);
  });

  it('texts name the documented meanings', () => {
    expect(moStatusText(32)).toBe('no network service');
    expect(moStatusText(3)).toBe('reserved, success');
    expect(moStatusText(25)).toBe('reserved, failure');
  });

  it('a non-integer or negative status is a programmer error', () => {
    expect(() => classifyMoStatus(-1)).toThrow(RangeError);
    expect(() => classifyMoStatus(1.5)).toThrow(RangeError);
  });
});

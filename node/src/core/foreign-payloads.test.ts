/**
 * Tests for foreign-payloads.ts: payloads that are not fieldnode frames are kept, the latest in a
 * bounded list with a running total, and logged at warn within a rate limit whose left-outs are
 * summed up. The core's use of it (classification on receive, the `foreign` event) is tested in
 * node/test/integration/foreign-payloads.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger as recorder } from '../../test/recording-logger.js';
import { type ForeignPayload, ForeignPayloads } from './foreign-payloads.js';

const payload = (n: number): ForeignPayload => ({
  link: 'rockblock0',
  from: '300434060000010',
  source: { carrier: 'rockblock', momsn: n },
  bytes: new TextEncoder().encode(`hello ${n}`),
  reason: 'malformed',
  detail: 'body: not CBOR',
  receivedAt: 1_784_000_000_000 + n,
});

describe('ForeignPayloads', () => {
  it('keeps the latest up to its limit, oldest first, and counts them all', () => {
    const { log } = recorder();
    const kept = new ForeignPayloads({ log, now: () => 0, limit: 2 });
    for (const n of [1, 2, 3]) kept.keep(payload(n));
    expect(kept.items().map((p) => p.source?.momsn)).toEqual([2, 3]);
    expect(kept.total).toBe(3);
    expect(() => new ForeignPayloads({ log, now: () => 0, limit: -1 })).toThrow(RangeError);
  });

  it('logs each at warn with where it came from and its bytes as hex', () => {
    const { log, lines } = recorder();
    new ForeignPayloads({ log, now: () => 0 }).keep(payload(7));
    expect(lines).toEqual([
      {
        level: 'warn',
        msg: 'foreign payload kept: not a fieldnode frame',
        obj: expect.objectContaining({
          link: 'rockblock0',
          from: '300434060000010',
          reason: 'malformed',
          source: { carrier: 'rockblock', momsn: 7 },
          bytes: 7,
          hex: Buffer.from('hello 7').toString('hex'),
        }),
      },
    ]);
  });

  it('logs at most logBurst per window, and sums up those left out when the next comes', () => {
    const { log, lines } = recorder();
    let now = 0;
    const kept = new ForeignPayloads({ log, now: () => now, logBurst: 2, logWindowMs: 1000 });
    for (const n of [1, 2, 3, 4, 5]) kept.keep(payload(n));
    expect(lines.map((l) => l.obj.source)).toEqual([
      { carrier: 'rockblock', momsn: 1 },
      { carrier: 'rockblock', momsn: 2 },
    ]);
    now = 1000;
    kept.keep(payload(6));
    expect(lines.slice(2)).toEqual([
      expect.objectContaining({ level: 'warn', obj: { count: 3, windowMs: 1000, total: 5 } }),
      expect.objectContaining({
        obj: expect.objectContaining({ source: { carrier: 'rockblock', momsn: 6 } }),
      }),
    ]);
    expect(kept.total).toBe(6);
    expect(kept.items()).toHaveLength(6); // every one kept, logged or not
  });
});

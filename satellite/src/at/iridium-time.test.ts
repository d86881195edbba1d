import { describe, expect, it } from 'vitest';
import { IRIDIUM_ERAS, msstmToUnixMs, unixMsToMsstm } from './iridium-time.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('MSSTM → Unix time (§1.5, §7.6 vectors)', () => {
  it('712a957d is 2019-10-10 07:48:12.010 with a reference in 2019', () => {
    expect(iso(msstmToUnixMs(0x712a957d, Date.UTC(2019, 9, 1)))).toBe('2019-10-10T07:48:12.010Z');
  });

  it('d1c6dd38 is 2024-05-24 17:10:16.360 with a reference in 2024', () => {
    expect(iso(msstmToUnixMs(0xd1c6dd38, Date.UTC(2024, 0, 1)))).toBe('2024-05-24T17:10:16.360Z');
  });

  it('chooses the era closest to the last-known-good time, not a fixed one', () => {
    // The same count read in 2031 (ERA3 running for years) is an ERA3 time.
    const era3 = Date.UTC(2025, 1, 14, 18, 14, 17);
    expect(msstmToUnixMs(0x712a957d, Date.UTC(2030, 0, 1))).toBe(era3 + 0x712a957d * 90);
    expect(iso(msstmToUnixMs(0x712a957d, Date.UTC(2030, 0, 1)))).toMatch(/^2030-07-/);
    // Shortly after the ERA3 epoch a small count is ERA3, not a 2014 date.
    const small = 1000;
    expect(msstmToUnixMs(small, Date.UTC(2025, 2, 1))).toBe((IRIDIUM_ERAS[3]?.epochMs ?? 0) + small * 90);
    expect(msstmToUnixMs(small, Date.UTC(2014, 5, 1))).toBe((IRIDIUM_ERAS[2]?.epochMs ?? 0) + small * 90);
  });

  it('round-trips with the simulator side', () => {
    const era2 = IRIDIUM_ERAS[2]?.epochMs ?? 0;
    const t = Date.UTC(2024, 4, 24, 17, 10, 16, 360);
    expect(unixMsToMsstm(t, era2)).toBe(0xd1c6dd38);
  });

  it('rejects counts that are not 32-bit', () => {
    expect(() => msstmToUnixMs(2 ** 32, 0)).toThrow(RangeError);
    expect(() => msstmToUnixMs(-1, 0)).toThrow(RangeError);
  });
});

/**
 * The timing rules against the figures of docs/meshtastic.md §2.5, §4.1 and §4.3.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { loraTimeOnAirMs } from '../../src/lora/airtime.js';
import { DeviceRole, ModemPreset } from '../../src/meshtastic/constants.js';
import {
  cwFromSnr,
  cwFromUtilization,
  presetName,
  presetParams,
  relayDelayMs,
  retransmissionIntervalMs,
  slotTimeMs,
  symbolMs,
  txDelayMs,
} from './lora-timing.js';

const LF = presetParams(ModemPreset.LONG_FAST);
const LS = presetParams(ModemPreset.LONG_SLOW);

describe('presets and slot time (§4.1, §2.5)', () => {
  it.each([
    [ModemPreset.SHORT_TURBO, 0.256],
    [ModemPreset.SHORT_FAST, 0.512],
    [ModemPreset.SHORT_SLOW, 1.024],
    [ModemPreset.MEDIUM_FAST, 2.048],
    [ModemPreset.MEDIUM_SLOW, 4.096],
    [ModemPreset.LONG_TURBO, 4.096],
    [ModemPreset.LONG_FAST, 8.192],
    [ModemPreset.LONG_MODERATE, 16.384],
    [ModemPreset.LONG_SLOW, 32.768],
  ])('preset %i has the §4.1 symbol time %f ms', (preset, tsym) => {
    expect(symbolMs(presetParams(preset))).toBeCloseTo(tsym, 6);
  });

  it('slotTime = 2.5·Tsym + 7.6 ms truncated: 28 ms on LONG_FAST, 89 ms on LONG_SLOW', () => {
    expect(slotTimeMs(LF)).toBe(28);
    expect(slotTimeMs(LS)).toBe(89);
  });

  it('the default primary channel takes the preset name LongFast / LongSlow (§4.5)', () => {
    expect(presetName(ModemPreset.LONG_FAST)).toBe('LongFast');
    expect(presetName(ModemPreset.LONG_SLOW)).toBe('LongSlow');
    expect(() => presetParams(99)).toThrow(RangeError);
  });
});

describe('contention windows (§2.5, §4.3, §5.1)', () => {
  it('CW runs CWmin 3 at an idle channel to CWmax 8 at a full one, in integer steps', () => {
    expect(cwFromUtilization(0)).toBe(3);
    expect(cwFromUtilization(19.9)).toBe(3);
    expect(cwFromUtilization(20)).toBe(4);
    expect(cwFromUtilization(50)).toBe(5);
    expect(cwFromUtilization(100)).toBe(8);
  });

  it('relay window grows with SNR, so weak-SNR (distant) receivers relay first', () => {
    expect(cwFromSnr(-25)).toBe(3);
    expect(cwFromSnr(-20)).toBe(3);
    expect(cwFromSnr(10)).toBe(8);
    expect(cwFromSnr(30)).toBe(8);
    expect(cwFromSnr(-5)).toBeGreaterThan(cwFromSnr(-15));
  });

  it('own-packet delay is random(0, 2^CW)·slotTime: whole slots below 8 slots at an idle channel', () => {
    const r = seededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = txDelayMs(r, 0, 28);
      expect(d % 28).toBe(0);
      expect(d).toBeLessThan(8 * 28);
      seen.add(d);
    }
    expect(seen.size).toBe(8);
  });

  it('CLIENT relays wait out 2·CWmax slots first; ROUTER draws from the short 2·CW window', () => {
    const r = seededRandom(2);
    for (let i = 0; i < 300; i++) {
      const client = relayDelayMs(r, DeviceRole.CLIENT, 10, 28);
      expect(client).toBeGreaterThanOrEqual(16 * 28);
      expect(client).toBeLessThan((16 + 256) * 28);
      const router = relayDelayMs(r, DeviceRole.ROUTER, 10, 28);
      expect(router).toBeLessThan(16 * 28);
    }
  });
});

describe('retransmission interval (§2.5)', () => {
  it('LONG_FAST 100 B at an idle channel: ≈ 8.4 s (2·1174 + 56·28 + 4500)', () => {
    const air = loraTimeOnAirMs(123, LF);
    expect(retransmissionIntervalMs(air, 28, 0)).toBeCloseTo(2 * air + 56 * 28 + 4500, 6);
    expect(retransmissionIntervalMs(air, 28, 0) / 1000).toBeCloseTo(8.4, 1);
  });

  it('LONG_SLOW 100 B at an idle channel: ≈ 24 s; 200 B: three intervals ≈ 105 s', () => {
    expect(retransmissionIntervalMs(loraTimeOnAirMs(123, LS), 89, 0) / 1000).toBeCloseTo(24.4, 1);
    expect((3 * retransmissionIntervalMs(loraTimeOnAirMs(224, LS), 89, 0)) / 1000).toBeCloseTo(104.8, 1);
  });

  it('a busier channel lengthens the interval by the larger CW', () => {
    const air = loraTimeOnAirMs(123, LF);
    expect(retransmissionIntervalMs(air, 28, 50) - retransmissionIntervalMs(air, 28, 0)).toBe((32 - 8) * 28);
  });
});

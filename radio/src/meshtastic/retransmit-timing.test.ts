/**
 * The firmware's retransmission timing (docs/meshtastic.md §2.5) and the ACK wait derived
 * from it: checked against the figures §2.5 computes.
 */
import { describe, expect, it } from 'vitest';
import { LONG_FAST, LONG_SLOW, meshtasticPhyBytes } from '../lora/airtime.js';
import { ModemPreset } from './constants.js';
import {
  CW_MIN,
  defaultAckTimeoutMs,
  maxRetransmitMs,
  modulationOf,
  PRESET_PARAMS,
  retransmissionIntervalMs,
  SLOWEST_PARAMS,
  slotTimeMs,
} from './retransmit-timing.js';

describe('retransmission timing §2.5', () => {
  it('slot time: 28 ms on LONG_FAST, 89 ms on LONG_SLOW', () => {
    expect(slotTimeMs(LONG_FAST)).toBeCloseTo(28.08, 1);
    expect(slotTimeMs(LONG_SLOW)).toBeCloseTo(89.52, 1);
  });

  it('an idle channel (CW = CWmin), 100 B: ≈ 8.4 s on LONG_FAST, ≈ 24 s on LONG_SLOW', () => {
    const phy = meshtasticPhyBytes(100);
    expect(retransmissionIntervalMs(LONG_FAST, phy, CW_MIN)).toBeGreaterThan(8_300);
    expect(retransmissionIntervalMs(LONG_FAST, phy, CW_MIN)).toBeLessThan(8_500);
    expect(retransmissionIntervalMs(LONG_SLOW, phy, CW_MIN)).toBeGreaterThan(24_000);
    expect(retransmissionIntervalMs(LONG_SLOW, phy, CW_MIN)).toBeLessThan(25_000);
  });

  it('the worst case is past every figure §2.5 gives for the NAK (LONG_FAST ≤ 32 s, LONG_SLOW ≤ 111 s)', () => {
    expect(maxRetransmitMs(LONG_FAST, 200)).toBeGreaterThan(32_000);
    expect(maxRetransmitMs(LONG_SLOW, 200)).toBeGreaterThan(111_000);
    expect(maxRetransmitMs(LONG_FAST, 50)).toBeGreaterThan(23_000);
  });

  it('the default ACK wait: about 74 s for 200 B on LONG_FAST, over 200 s on LONG_SLOW', () => {
    expect(defaultAckTimeoutMs(LONG_FAST, 200)).toBeGreaterThan(70_000);
    expect(defaultAckTimeoutMs(LONG_FAST, 200)).toBeLessThan(80_000);
    expect(defaultAckTimeoutMs(LONG_SLOW, 200)).toBeGreaterThan(200_000);
    expect(defaultAckTimeoutMs(LONG_FAST, 10)).toBeLessThan(defaultAckTimeoutMs(LONG_FAST, 200));
  });

  it('reads the modulation from the LoRa config: presets, custom settings, unknown presets', () => {
    const lora = {
      usePreset: true,
      modemPreset: ModemPreset.LONG_FAST,
      bandwidth: 0,
      spreadFactor: 0,
      codingRate: 0,
    };
    expect(modulationOf(lora)).toEqual(LONG_FAST);
    expect(modulationOf({ ...lora, modemPreset: ModemPreset.LONG_SLOW })).toEqual(LONG_SLOW);
    expect(modulationOf({ ...lora, modemPreset: 42 })).toEqual(SLOWEST_PARAMS);
    expect(
      modulationOf({ ...lora, usePreset: false, bandwidth: 62, spreadFactor: 12, codingRate: 8 }),
    ).toEqual({
      sf: 12,
      bandwidthHz: 62_500,
      codingRate: 8,
    });
    expect(
      modulationOf({ ...lora, usePreset: false, bandwidth: 125, spreadFactor: 3, codingRate: 5 }),
    ).toEqual(SLOWEST_PARAMS);
    expect(Object.keys(PRESET_PARAMS)).toHaveLength(10);
  });
});

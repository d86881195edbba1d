/**
 * The least wait for a confirmation over the mesh (retransmit-timing.ts meshRoundTripMs): it must
 * exceed the real round trip through the simulated mesh, or the core floods the channel with
 * copies of what is still on its way (seen in the mesh benchmark with a 5-second first retry).
 */
import { describe, expect, it } from 'vitest';
import { loraTimeOnAirMs, meshtasticPhyBytes } from '../lora/airtime.js';
import { ModemPreset } from './constants.js';
import { meshRoundTripMs, PRESET_PARAMS } from './retransmit-timing.js';

const LONG_FAST = PRESET_PARAMS[ModemPreset.LONG_FAST];
const LONG_SLOW = PRESET_PARAMS[ModemPreset.LONG_SLOW];

describe('meshRoundTripMs', () => {
  it('covers out and back over every hop plus the receiver’s custody hold, on LONG_FAST and LONG_SLOW', () => {
    if (!LONG_FAST || !LONG_SLOW) throw new Error('presets missing');
    for (const params of [LONG_FAST, LONG_SLOW]) {
      const hop = loraTimeOnAirMs(meshtasticPhyBytes(120), params);
      for (const hops of [1, 3, 7]) {
        const rt = meshRoundTripMs(params, hops);
        expect(rt).toBeGreaterThan(2 * hops * hop + 8000);
        expect(rt).toBeLessThan(10 * hops * hop + 30_000);
      }
    }
    // The figures the docs quote: about 56 s for 3 hops on LONG_FAST, about 3 min on LONG_SLOW.
    expect(Math.round(meshRoundTripMs(LONG_FAST, 3) / 1000)).toBe(56);
    expect(Math.round(meshRoundTripMs(LONG_SLOW, 3) / 1000)).toBe(192);
  });

  it('grows with the hops and never counts fewer than one', () => {
    if (!LONG_FAST) throw new Error('preset missing');
    expect(meshRoundTripMs(LONG_FAST, 0)).toBe(meshRoundTripMs(LONG_FAST, 1));
    expect(meshRoundTripMs(LONG_FAST, 3)).toBeGreaterThan(meshRoundTripMs(LONG_FAST, 2));
  });
});

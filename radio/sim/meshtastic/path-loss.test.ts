/**
 * The log-distance path-loss model that turns positions into links (path-loss.ts).
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { ModemPreset } from '../../src/meshtastic/constants.js';
import { presetParams } from './lora-timing.js';
import { linkAtDistance, linksFromPositions, randomPositions, snrLimitDb } from './path-loss.js';

const LF = presetParams(ModemPreset.LONG_FAST);
const SF = presetParams(ModemPreset.SHORT_FAST);

describe('path loss', () => {
  it('SNR limits run from −7.5 dB at SF7 to −20 dB at SF12', () => {
    expect(snrLimitDb(7)).toBe(-7.5);
    expect(snrLimitDb(11)).toBe(-17.5);
    expect(snrLimitDb(12)).toBe(-20);
  });

  it('LONG_FAST reaches about 10 km with the defaults, SHORT_FAST about half that', () => {
    expect(linkAtDistance(10_000, LF)).toBeDefined();
    expect(linkAtDistance(10_500, LF)).toBeUndefined();
    expect(linkAtDistance(4_500, SF)).toBeDefined();
    expect(linkAtDistance(5_000, SF)).toBeUndefined();
  });

  it('near links are lossless and strong; loss rises to the edge of range', () => {
    const near = linkAtDistance(500, LF);
    expect(near?.loss).toBe(0);
    expect(near?.rssi).toBeGreaterThan(-100);
    const edge = linkAtDistance(10_100, LF);
    expect(edge?.loss).toBeGreaterThan(0.5);
    expect(edge?.snr).toBeLessThan(-17);
  });

  it('links from positions are symmetric and only within range', () => {
    const positions = new Map([
      [1, { x: 0, y: 0 }],
      [2, { x: 3000, y: 0 }],
      [3, { x: 20_000, y: 0 }],
    ]);
    const links = linksFromPositions(positions, LF);
    expect(links.map((l) => `${l.from}>${l.to}`)).toEqual(['1>2', '2>1']);
    const spread = randomPositions(20, 8000, seededRandom(3));
    expect(spread).toHaveLength(20);
    expect(spread.every((p) => p.x >= 0 && p.x < 8000 && p.y >= 0 && p.y < 8000)).toBe(true);
  });
});

/**
 * Tests for LoRa time on air and Meshtastic PHY sizes against every figure in
 * docs/meshtastic.md §2.4 and §4.3 (the doc rounds to whole milliseconds).
 */
import { describe, expect, it } from 'vitest';
import {
  LONG_FAST,
  LONG_MODERATE,
  LONG_SLOW,
  type LoraParams,
  loraTimeOnAirMs,
  MEDIUM_FAST,
  meshtasticPhyBytes,
  SHORT_FAST,
} from './airtime.js';

const ms = (bytes: number, params: LoraParams) => Math.round(loraTimeOnAirMs(bytes, params));

describe('meshtasticPhyBytes', () => {
  it.each([
    [50, 73],
    [100, 123],
    [200, 224],
  ])('a %i B PRIVATE_APP payload is %i PHY bytes (§2.4 table)', (app, phy) => {
    expect(meshtasticPhyBytes(app)).toBe(phy);
    expect(meshtasticPhyBytes(app, { pki: true })).toBe(phy + 12);
  });

  it('matches the §2.4 payload limits: 231 B channel-encrypted and 219 B PKI fill 255 PHY bytes', () => {
    expect(meshtasticPhyBytes(231)).toBe(255);
    expect(meshtasticPhyBytes(232)).toBe(256);
    expect(meshtasticPhyBytes(219, { pki: true })).toBe(255);
    expect(meshtasticPhyBytes(220, { pki: true })).toBe(256);
  });

  it('counts the payload length varint growing at 128 bytes', () => {
    expect(meshtasticPhyBytes(128) - meshtasticPhyBytes(127)).toBe(2);
  });
});

describe('loraTimeOnAirMs', () => {
  // §4.3 main table: PHY bytes → LONG_FAST, LONG_SLOW, LONG_MODERATE, MEDIUM_FAST, SHORT_FAST.
  it.each([
    [73, 805, 4858, 2691, 232, 71],
    [123, 1174, 7479, 4133, 345, 107],
    [224, 1911, 12722, 7016, 570, 181],
  ])('%i PHY bytes: §4.3 table', (phy, longFast, longSlow, longModerate, mediumFast, shortFast) => {
    expect(ms(phy, LONG_FAST)).toBe(longFast);
    expect(ms(phy, LONG_SLOW)).toBe(longSlow);
    expect(ms(phy, LONG_MODERATE)).toBe(longModerate);
    expect(ms(phy, MEDIUM_FAST)).toBe(mediumFast);
    expect(ms(phy, SHORT_FAST)).toBe(shortFast);
  });

  it.each([
    [50, 887, 5382],
    [100, 1255, 8004],
    [200, 1993, 13509],
  ])('PKI DM with a %i B payload: §4.3', (app, longFast, longSlow) => {
    const phy = meshtasticPhyBytes(app, { pki: true });
    expect(ms(phy, LONG_FAST)).toBe(longFast);
    expect(ms(phy, LONG_SLOW)).toBe(longSlow);
  });

  it.each([
    [50, 641, 3547],
    [100, 1010, 6169],
    [200, 1747, 11411],
    [255, 2157, 14295],
  ])('raw %i PHY bytes: §4.3', (phy, longFast, longSlow) => {
    expect(ms(phy, LONG_FAST)).toBe(longFast);
    expect(ms(phy, LONG_SLOW)).toBe(longSlow);
  });

  it('gives the §4.3 ACK figure for ~31 PHY bytes', () => {
    expect(ms(31, LONG_FAST)).toBe(477);
    expect(ms(31, LONG_SLOW)).toBe(2761);
  });

  it('the 50 B hand calculation on LONG_FAST: 20.25 + 58 symbols of 8.192 ms', () => {
    expect(loraTimeOnAirMs(50, LONG_FAST)).toBeCloseTo((20.25 + 58) * 8.192, 9);
  });

  it('uses the preamble length it is given', () => {
    const longer = loraTimeOnAirMs(50, { ...LONG_FAST, preambleSymbols: 32 });
    expect(longer - loraTimeOnAirMs(50, LONG_FAST)).toBeCloseTo(16 * 8.192, 9);
  });

  it('rejects impossible input', () => {
    expect(() => loraTimeOnAirMs(-1, LONG_FAST)).toThrow(RangeError);
    expect(() => loraTimeOnAirMs(10, { ...LONG_FAST, sf: 13 })).toThrow(RangeError);
    expect(() => meshtasticPhyBytes(1.5)).toThrow(RangeError);
  });
});

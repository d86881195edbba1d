import { describe, expect, it } from 'vitest';
import {
  fromUnits,
  INDICATOR_NAMES,
  indicatorHeader,
  indicatorLabel,
  isIndicatorName,
  natureOf,
  toUnits,
} from './indicators.js';

describe('indicators', () => {
  it('carries every row of the wire table, cumulative and current apart', () => {
    expect(INDICATOR_NAMES).toHaveLength(35);
    expect(natureOf('relocatedCumulative')).toBe('cumulative');
    expect(natureOf('relocatedCurrent')).toBe('current');
    expect(natureOf('needReliefCumulative')).toBe('cumulative');
    expect(natureOf('needReliefCurrent')).toBe('current');
    expect(natureOf('dead')).toBe('cumulative');
  });

  it('gives each indicator its own label, adding the unit where rows share a name', () => {
    const labels = INDICATOR_NAMES.map(indicatorLabel);
    expect(new Set(labels).size).toBe(labels.length);
    expect(indicatorLabel('affected')).toBe('受灾人口');
    expect(indicatorLabel('collapsedRooms')).toBe('倒塌房屋(间)');
    expect(indicatorLabel('collapsedHouseholds')).toBe('倒塌房屋(户)');
    expect(indicatorHeader('cropsLostHa')).toBe('农作物绝收面积(公顷)');
    expect(new Set(INDICATOR_NAMES.map(indicatorHeader)).size).toBe(35);
  });

  it('converts to wire units exactly', () => {
    expect(toUnits('cropsAffectedHa', 0.1) + toUnits('cropsAffectedHa', 0.2)).toBe(3);
    expect(fromUnits('cropsAffectedHa', 3)).toBe(0.3);
    expect(isIndicatorName('affected')).toBe(true);
    expect(isIndicatorName('toString')).toBe(false);
  });
});

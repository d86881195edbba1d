/**
 * The `county:` section (county-section.ts, docs/reports.md §County time, §Deadlines): its
 * defaults, the rules it makes for the incident book, and every mistake reported at once, by key.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { DEFAULT_REPORT_RULES } from '../domain/reports/report-rules.js';
import { countyReportRules } from './county-section.js';
import { loadConfig, parseConfig } from './load.js';

const NODE = { node: { id: 2107, role: 'kit', area: 430121101201 }, keys: { kit_key_file: 'kit.key' } };
const load = (county: unknown) => parseConfig({ ...NODE, county }, { baseDir: '/tmp' });

function problemsOf(county: unknown): string {
  try {
    load(county);
  } catch (err) {
    if (isKitError(err) && err.code === 'CONFIG_INVALID') return err.message;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('county section', () => {
  it('is Beijing time and the national rules when the file says nothing', () => {
    const config = parseConfig(NODE, { baseDir: '/tmp' });
    expect(config.county).toEqual({
      timeZone: 'Asia/Shanghai',
      updateDueAt: { hour: 9, minute: 0 },
      initialWithinMs: 7_200_000,
    });
    expect(countyReportRules(config.county)).toEqual(DEFAULT_REPORT_RULES);
  });

  it('takes the zone, the hour of the 续报 and the 初报 limit, and the incident book gets them', () => {
    const config = load({ time_zone: 'Asia/Urumqi', update_due_at: '08:30', initial_within_s: 3600 });
    expect(config.county).toEqual({
      timeZone: 'Asia/Urumqi',
      updateDueAt: { hour: 8, minute: 30 },
      initialWithinMs: 3_600_000,
    });
    const rules = countyReportRules(config.county);
    expect(rules.timeZone).toBe('Asia/Urumqi');
    expect(rules.updateDueAt).toEqual({ hour: 8, minute: 30 });
    expect(rules.deadlines.natural.initialWithinMs).toBe(3_600_000);
    // What the county does not set stays national: a workplace accident's hour, the thresholds.
    expect(rules.deadlines.workplace).toEqual(DEFAULT_REPORT_RULES.deadlines.workplace);
    expect(rules.thresholds).toBe(DEFAULT_REPORT_RULES.thresholds);
  });

  it('reports every mistake at once, by key, the ranges by the reports domain’s own check', () => {
    const message = problemsOf({
      time_zone: 'Beijing',
      update_due_at: '24:00',
      initial_within_s: 0,
      zone: 'x',
    });
    expect(message).toContain('county.time_zone: expected an IANA time zone such as Asia/Shanghai');
    // From checkReportRules, under the file's keys.
    expect(message).toContain('county.update_due_at: expected a time of day 00:00–23:59');
    expect(message).toContain('county.initial_within_s: expected a time > 0');
    expect(message).toContain('county.zone: unknown key');
    expect(problemsOf({ update_due_at: '9am' })).toContain(
      'county.update_due_at: expected a time of day as HH:MM, such as "09:00"',
    );
  });

  it('is in the example file as documented', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const config = await loadConfig(example, { env: {}, cwd: '/tmp' });
    expect(config.county).toEqual({
      timeZone: 'Asia/Shanghai',
      updateDueAt: { hour: 9, minute: 0 },
      initialWithinMs: 7_200_000,
    });
  });
});

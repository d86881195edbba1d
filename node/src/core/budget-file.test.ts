/**
 * BudgetFile (budget-file.ts) and BillingBudget with a ledger (billing-budget.ts): what a kit spent
 * by satellite survives a restart. A real file in a temp dir; a file that is missing, torn or
 * nonsense is reported and ignored, never thrown; property tests on the parser.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../base/logger.js';
import { BillingBudget, type BudgetSnapshot } from './billing-budget.js';
import { BudgetFile, budgetFilePath, openLinkBudget, parseBudgetSnapshot } from './budget-file.js';

const HOUR = 3600_000;

/** A logger that keeps the level and message of every line. */
function recordingLogger(): Logger & { lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const at =
    (level: string) =>
    (_obj: unknown, msg?: string): void => {
      lines.push({ level, msg: msg ?? '' });
    };
  const log = {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => log,
  };
  return log as unknown as Logger & { lines: Array<{ level: string; msg: string }> };
}
let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-budget-'));
  path = join(dir, 'sbd-budget-sat0.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a budget with a file, across a restart', () => {
  it("keeps the day's and the incident's spending, so a reboot does not give a fresh day", () => {
    const now = 100 * HOUR;
    const before = new BillingBudget({ perDay: 10, ledger: new BudgetFile(path, recordingLogger()) });
    before.spend(4, now - 23 * HOUR);
    before.spend(3, now - HOUR);
    const after = new BillingBudget({ perDay: 10, ledger: new BudgetFile(path, recordingLogger()) });
    expect(after.usedToday(now)).toBe(7);
    expect(after.usedInIncident()).toBe(7);
    expect(after.allows(4, 1, now)).toBe(false);
    expect(after.allows(3, 1, now)).toBe(true);
    // The rolling day goes on after the restart: the older spending falls off.
    expect(after.usedToday(now + 2 * HOUR)).toBe(3);
  });

  it('keeps wall-clock times in the file: the link clock starts again from zero in a new process', async () => {
    const WALL = Date.UTC(2026, 10, 28, 3, 0);
    // The first process has run 10 h on its own clock; it spends 6 credits an hour ago.
    const first = new BillingBudget({
      perDay: 10,
      ledger: new BudgetFile(path, recordingLogger(), { now: () => 10 * HOUR }, () => WALL),
    });
    first.spend(6, 9 * HOUR);
    expect(JSON.parse(await readFile(path, 'utf8')).day).toEqual([[WALL - HOUR, 6]]);
    // Ten minutes later a new process starts, its clock at zero.
    const later = WALL + 10 * 60_000;
    const second = new BillingBudget({
      perDay: 10,
      ledger: new BudgetFile(path, recordingLogger(), { now: () => 0 }, () => later),
    });
    expect(second.usedToday(0)).toBe(6);
    expect(second.remaining(0)).toBe(4);
    // A day after that spending, on the new clock, it is free again.
    expect(second.usedToday(23 * HOUR - 10 * 60_000 + 1)).toBe(0);
  });

  it("keeps an incident limit set while running, but a configured limit is the configuration's", () => {
    const now = 10 * HOUR;
    const ledger = new BudgetFile(path, recordingLogger());
    const first = new BillingBudget({ perIncident: 50, ledger });
    first.spend(5, now);
    expect(new BillingBudget({ perIncident: 80, ledger }).remaining(now)).toBe(75);
    first.startIncident(now, 20);
    first.spend(2, now);
    const restarted = new BillingBudget({ perIncident: 80, ledger });
    expect(restarted.usedInIncident()).toBe(2);
    expect(restarted.remaining(now)).toBe(18);
  });

  it('writes nothing until something changes, and the file is whole JSON after each change', async () => {
    const budget = new BillingBudget({ ledger: new BudgetFile(path, recordingLogger()) });
    budget.spend(0, 1);
    await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    budget.spend(2, 1000);
    // Kept per minute, at the minute's end (see the next test).
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ v: 1, day: [[60_000, 2]], incident: 2 });
  });

  it("keeps a busy link's whole day: spending merged per minute, never more records than it reads back", () => {
    const now = 100 * HOUR;
    // 20,000 sessions in the last 23 h, a credit each: more records than a file may hold.
    const day = Array.from({ length: 20_000 }, (_, i) => [now - 23 * HOUR + i * 4000, 1] as [number, number]);
    new BudgetFile(path, recordingLogger()).save({ day, incident: 20_000 });
    const after = new BillingBudget({ ledger: new BudgetFile(path, recordingLogger()) });
    expect(after.usedToday(now)).toBe(20_000);
    expect(after.usedInIncident()).toBe(20_000);
  });
});

describe('BudgetFile', () => {
  it('a missing file is no spending, and no error', () => {
    const log = recordingLogger();
    expect(new BudgetFile(path, log).load()).toBeUndefined();
    expect(log.lines).toEqual([]);
  });

  it('a torn or nonsense file is reported and ignored: the budget counts from zero', async () => {
    for (const text of [
      '{"v":1,"day":[[1000,',
      '{"v":2,"day":[],"incident":0}',
      '{"v":1,"day":[[1,-3]],"incident":0}',
    ]) {
      await writeFile(path, text);
      const log = recordingLogger();
      const budget = new BillingBudget({ ledger: new BudgetFile(path, log) });
      expect(budget.usedInIncident()).toBe(0);
      expect(log.lines.map((l) => l.level)).toEqual(['error']);
    }
  });

  it('a file that cannot be written is reported once, and the budget keeps counting in memory', () => {
    const log = recordingLogger();
    const budget = new BillingBudget({ ledger: new BudgetFile(join(dir, 'no-such-dir', 'b.json'), log) });
    budget.spend(1, 1000);
    budget.spend(1, 2000);
    expect(budget.usedToday(2000)).toBe(2);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });
});

describe('parseBudgetSnapshot (property)', () => {
  it('never throws on any text or any JSON, and answers a snapshot or undefined', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const out = parseBudgetSnapshot(text);
          if (out !== undefined) {
            expect(Number.isSafeInteger(out.incident) && out.incident >= 0).toBe(true);
            for (const [at, credits] of out.day) expect(at >= 0 && credits >= 0).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back exactly what a budget writes', () => {
    const count = fc.integer({ min: 0, max: 2 ** 40 });
    const snapshot: fc.Arbitrary<BudgetSnapshot> = fc.record(
      { day: fc.array(fc.tuple(count, count), { maxLength: 50 }), incident: count, perIncident: count },
      { requiredKeys: ['day', 'incident'] },
    );
    fc.assert(
      fc.property(snapshot, (s) => {
        expect(parseBudgetSnapshot(JSON.stringify({ v: 1, ...s }))).toEqual(s);
      }),
    );
  });
});

describe('the daemon’s budget of a billed link', () => {
  it("reads <data_dir>/sbd-budget-<id>.json: a restart keeps the day's spending; each link its own", async () => {
    await writeFile(
      budgetFilePath(dir, 'sat1'),
      JSON.stringify({ v: 1, day: [[Date.now() - HOUR, 7]], incident: 9 }),
    );
    expect(budgetFilePath(dir, 'sat1')).toBe(join(dir, 'sbd-budget-sat1.json'));
    const budget = openLinkBudget('sat1', { perDay: 100 }, dir, recordingLogger());
    expect([budget.usedToday(Date.now()), budget.usedInIncident()]).toEqual([7, 9]);
    expect(budget.remaining(Date.now())).toBe(93);
    const other = openLinkBudget('sat2', { perDay: 100 }, dir, recordingLogger());
    expect([other.usedToday(Date.now()), other.usedInIncident()]).toEqual([0, 0]);
    other.spend(3, Date.now());
    expect(parseBudgetSnapshot(await readFile(budgetFilePath(dir, 'sat2'), 'utf8'))?.incident).toBe(3);
    // Without a data directory the budget counts in memory only.
    expect(openLinkBudget('sat1', {}, undefined, recordingLogger()).usedInIncident()).toBe(0);
  });
});

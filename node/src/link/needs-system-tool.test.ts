/**
 * The gate in front of tests that need a system tool and the run's skip records
 * (needs-system-tool.ts, system-tool-skips.ts; docs/conventions.md §System tools): a missing tool
 * is recorded once per file and summed up in one line per tool; under CI it throws instead.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { gateSystemTool, isCi } from './needs-system-tool.js';
import type { SystemTool } from './system-tool.js';
import { recordSkip, skipSummary } from './system-tool-skips.js';

/** "CODE: message" of the KitError `fn` throws, or 'ok'. (The contract's tests may not import node/test.) */
function kitOutcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (!isKitError(err)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

const PRESENT: SystemTool = {
  name: 'fieldnode-present',
  install: 'apt install present',
  usedFor: 'the x tests',
};
const MISSING: SystemTool = {
  name: 'fieldnode-missing',
  install: 'apt install missing',
  usedFor: 'the y tests',
};

let dir: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldnode-skips-'));
  bin = mkdtempSync(join(tmpdir(), 'fieldnode-bin-'));
  writeFileSync(join(bin, PRESENT.name), '#!/bin/sh\n');
  chmodSync(join(bin, PRESENT.name), 0o755);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bin, { recursive: true, force: true });
});

describe('gateSystemTool', () => {
  it('gives the path of a tool that is there, and records nothing, CI or not', () => {
    for (const ci of [false, true])
      expect(gateSystemTool(PRESENT, { path: bin, ci, skipDir: dir, file: 'a.test.ts' })).toBe(
        join(bin, PRESENT.name),
      );
    expect(skipSummary(dir)).toEqual([]);
  });

  it('without CI, a missing tool is undefined and recorded for the closing line', () => {
    expect(
      gateSystemTool(MISSING, { path: bin, ci: false, skipDir: dir, file: 'a.test.ts' }),
    ).toBeUndefined();
    expect(skipSummary(dir)).toEqual([
      'Skipped tests in 1 file: fieldnode-missing is not installed: apt install missing (not found on PATH; the y tests need it)',
    ]);
  });

  it('under CI, a missing tool throws TOOL_MISSING with the fix, and records nothing', () => {
    expect(kitOutcome(() => gateSystemTool(MISSING, { path: bin, ci: true, skipDir: dir }))).toBe(
      'TOOL_MISSING: fieldnode-missing is not installed: apt install missing (not found on PATH; the y tests need it). CI is set, so the tests that need it fail instead of skipping',
    );
    expect(skipSummary(dir)).toEqual([]);
  });

  it('without a run directory, warns at once instead', () => {
    const warned: string[] = [];
    expect(gateSystemTool(MISSING, { path: bin, ci: false, warn: (l) => warned.push(l) })).toBeUndefined();
    expect(warned).toEqual([
      'Skipped tests in 1 file: fieldnode-missing is not installed: apt install missing (not found on PATH; the y tests need it)',
    ]);
  });
});

describe('skipSummary', () => {
  it('gives one line per tool, counting each file once, in the order first recorded', () => {
    recordSkip(dir, MISSING, 'a.test.ts');
    recordSkip(dir, PRESENT, 'a.test.ts');
    recordSkip(dir, MISSING, 'b.test.ts');
    recordSkip(dir, MISSING, 'a.test.ts');
    expect(skipSummary(dir)).toEqual([
      'Skipped tests in 2 files: fieldnode-missing is not installed: apt install missing (not found on PATH; the y tests need it)',
      'Skipped tests in 1 file: fieldnode-present is not installed: apt install present (not found on PATH; the x tests need it)',
    ]);
  });

  it('is empty when nothing was recorded', () => {
    expect(skipSummary(dir)).toEqual([]);
  });
});

describe('isCi', () => {
  it('is set by CI=true or 1, not by an empty, 0 or false CI', () => {
    expect([{ CI: 'true' }, { CI: '1' }, { CI: 'TRUE' }].map(isCi)).toEqual([true, true, true]);
    expect([{}, { CI: '' }, { CI: '0' }, { CI: 'false' }].map(isCi)).toEqual([false, false, false, false]);
  });
});

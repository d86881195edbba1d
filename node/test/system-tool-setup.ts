/**
 * Vitest's global setup for tests that need a system tool (docs/conventions.md §System tools):
 * makes the run's directory of skip records, hands it to every test file (vitest's provide and
 * inject, which reach every worker), and at the end of the run prints one line per missing tool
 * naming the command that installs it, after the summary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { SKIP_DIR_KEY, skipSummary } from '../src/link/system-tool-skips.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-tool-skips-'));
  project.provide(SKIP_DIR_KEY, dir);
  return async () => {
    const lines = skipSummary(dir);
    if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
    await rm(dir, { recursive: true, force: true });
  };
}

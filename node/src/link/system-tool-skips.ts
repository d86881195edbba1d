/**
 * The run's record of tests skipped for want of a system tool (docs/conventions.md §System tools):
 * test files run in several worker processes, so each one that skips appends a line to a file in a
 * directory made for the run, and the run's global teardown reads them all back and prints one
 * line per tool (node/test/system-tool-setup.ts).
 *
 * Lines are appended with O_APPEND, one write each and far shorter than PIPE_BUF, so workers
 * appending at once never interleave within a line.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingToolMessage, type SystemTool } from './system-tool.js';

/** The name under which the global setup provides the run's directory to the test files. */
export const SKIP_DIR_KEY = 'fieldnodeSystemToolSkipDir';

const FILE = 'skips.jsonl';

interface SkipRecord {
  tool: SystemTool;
  /** The test file that skipped, or '' where the runner did not say. */
  file: string;
}

/** Notes that `file` skipped its tests because `tool` is missing. */
export function recordSkip(dir: string, tool: SystemTool, file: string): void {
  const record: SkipRecord = { tool, file };
  appendFileSync(join(dir, FILE), `${JSON.stringify(record)}\n`);
}

/** The line printed at the end of a run for one missing tool and the files that skipped. */
export function skipLine(tool: SystemTool, files: number): string {
  return `Skipped tests in ${files} file${files === 1 ? '' : 's'}: ${missingToolMessage(tool)}`;
}

/** One line per missing tool, in the order first recorded; none when nothing skipped. */
export function skipSummary(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const byTool = new Map<string, { tool: SystemTool; files: Set<string> }>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { tool, file } = JSON.parse(line) as SkipRecord;
    const entry = byTool.get(tool.name) ?? { tool, files: new Set<string>() };
    entry.files.add(file);
    byTool.set(tool.name, entry);
  }
  return [...byTool.values()].map(({ tool, files }) => skipLine(tool, files.size));
}

/**
 * The gate in front of tests that need a system tool (docs/conventions.md §System tools): a test
 * file asks for the tool once, at the top, and skips what needs it when the tool is missing:
 *
 *   const socat = needsSystemTool(SOCAT);
 *   describe.skipIf(socat === undefined)('… over a socat pty', () => { … });
 *
 * A skip is recorded for the run's closing line (system-tool-skips.ts), so a machine without the
 * tool still passes `npm test` and is told once what it missed and how to install it. Under CI
 * nothing may be skipped silently: a missing tool throws, failing the file with the fix in the
 * message.
 */
import { expect, inject } from 'vitest';
import { KitError } from '../base/errors.js';
import { findSystemTool, missingToolMessage, type SystemTool } from './system-tool.js';
import { recordSkip, SKIP_DIR_KEY, skipLine } from './system-tool-skips.js';
import './system-tool-errors.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** The run's directory of skip records, made by node/test/system-tool-setup.ts. */
    [SKIP_DIR_KEY]: string;
  }
}

/** Where a gate looks and reports; {@link needsSystemTool} fills it from the test run. */
export interface SystemToolGateOptions {
  /** The PATH to search. Default process.env.PATH. */
  path?: string;
  /** Whether this is a CI run, where a missing tool fails. Default from process.env.CI. */
  ci?: boolean;
  /** The run's skip directory; without one the skip is reported by `warn` at once. */
  skipDir?: string | undefined;
  /** The test file asking, for the record. Default ''. */
  file?: string;
  /** Default console.warn. */
  warn?: (line: string) => void;
}

/** CI=true (or any value but '', '0' and 'false'), as GitHub Actions, GitLab and .ci/run set it. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/** The tool's path, or undefined after recording the skip; throws TOOL_MISSING under CI. */
export function gateSystemTool(tool: SystemTool, options: SystemToolGateOptions = {}): string | undefined {
  const found = findSystemTool(tool, options.path ?? process.env.PATH);
  if (found !== undefined) return found;
  if (options.ci ?? isCi())
    throw new KitError(
      'TOOL_MISSING',
      `${missingToolMessage(tool)}. CI is set, so the tests that need it fail instead of skipping`,
    );
  if (options.skipDir !== undefined) recordSkip(options.skipDir, tool, options.file ?? '');
  else (options.warn ?? console.warn)(skipLine(tool, 1));
  return undefined;
}

/** {@link gateSystemTool} for the calling test file, in the current vitest run. */
export function needsSystemTool(tool: SystemTool): string | undefined {
  // Undefined when the run has no global setup providing it (another config): warn instead.
  const skipDir = inject(SKIP_DIR_KEY) as string | undefined;
  return gateSystemTool(tool, { skipDir, file: expect.getState().testPath ?? '' });
}

/**
 * Builds the UI for a test into a directory of its own (docs/ui.md §Tests), with the project's own
 * Vite configuration, so that the test runs what the sources say now, not whatever an earlier
 * `npm run build` left in dist/ui.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const config = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

/** Builds into a fresh temporary directory and returns it. */
export async function buildUi(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'fieldnode-ui-'));
  const before = process.env.FIELDNODE_UI_OUT;
  process.env.FIELDNODE_UI_OUT = out;
  try {
    await build({ configFile: config, logLevel: 'error' });
  } finally {
    if (before === undefined) delete process.env.FIELDNODE_UI_OUT;
    else process.env.FIELDNODE_UI_OUT = before;
  }
  return out;
}

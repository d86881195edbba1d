/**
 * Writes a gzip twin (`name.gz`) beside every text file of the built UI, compressed once at the
 * highest level, so that the daemon on a Pi sends it as it is instead of compressing at each
 * request (docs/ui.md §Building and serving; node/src/http/ui-assets.ts serves the twin when the
 * browser accepts gzip). Files so small that gzip would not pay are left alone.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

/** The endings worth compressing: text, in the shapes the build writes. */
export const COMPRESSIBLE = /\.(?:html|js|mjs|css|json|svg|txt|webmanifest)$/;
/** Below this many bytes a gzip file is no smaller once its header is counted. */
const MIN_BYTES = 256;

export function precompress(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'fieldnode-precompress',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    async closeBundle() {
      if (config === undefined) return;
      await compressTree(config.build.outDir);
    },
  };
}

/** Compresses every compressible file under `dir`; returns how many twins were written. */
export async function compressTree(dir: string): Promise<number> {
  let written = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    if ((await stat(file)).size < MIN_BYTES) continue;
    const gz = gzipSync(await readFile(file), { level: constants.Z_BEST_COMPRESSION });
    await writeFile(`${file}.gz`, gz);
    written++;
  }
  return written;
}

/**
 * Emits the service worker (`sw.js`, at the root so that its scope is the whole UI) with the list
 * of the files just built, and a version made from that list, so that every build that changes
 * the app shell installs a new worker and drops the old cache (docs/ui.md §Offline).
 *
 * The worker itself is plain JavaScript (src/sw/service-worker.js): it is not bundled, and the two
 * placeholders in it are the only things replaced.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';

export const SHELL_PLACEHOLDER = '__FIELDNODE_SHELL__';
export const VERSION_PLACEHOLDER = '__FIELDNODE_VERSION__';

export interface ServiceWorkerOptions {
  /** The worker's source file. */
  source: string;
  /** The name it is emitted under. Default `sw.js`. */
  fileName?: string;
}

export function serviceWorker(options: ServiceWorkerOptions): Plugin {
  const fileName = options.fileName ?? 'sw.js';
  return {
    name: 'fieldnode-service-worker',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_out, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => /\.(?:js|css|svg)$/.test(f) && f !== fileName)
        .sort();
      const shell = ['/', ...files.map((f) => `/${f}`)];
      const version = createHash('sha256').update(JSON.stringify(shell)).digest('hex').slice(0, 12);
      const template = await readFile(options.source, 'utf8');
      if (!template.includes(SHELL_PLACEHOLDER) || !template.includes(VERSION_PLACEHOLDER))
        throw new Error(`${options.source} lacks ${SHELL_PLACEHOLDER} or ${VERSION_PLACEHOLDER}`);
      const source = template
        .replace(`'${SHELL_PLACEHOLDER}'`, JSON.stringify(shell))
        .replace(VERSION_PLACEHOLDER, version);
      this.emitFile({ type: 'asset', fileName, source });
    },
  };
}

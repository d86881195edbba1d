/**
 * How the web UI is built (docs/ui.md §Building and serving): Svelte 5 through Vite, no SvelteKit,
 * to static files in dist/ui/ that the daemon serves at `/` (node/src/http/ui-assets.ts). Two small
 * plugins of ours finish the job: the service worker gets the list of the files just built
 * (build/service-worker-plugin.ts), and every text file gets a gzip twin for the daemon to send as
 * it is (build/precompress-plugin.ts).
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress-plugin.js';
import { serviceWorker } from './build/service-worker-plugin.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Where the files go; a test builds into a directory of its own with FIELDNODE_UI_OUT. */
const outDir = process.env.FIELDNODE_UI_OUT ?? fileURLToPath(new URL('../dist/ui', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  plugins: [svelte(), serviceWorker({ source: `${here}src/sw/service-worker.js` }), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // Phones in a county are old: Chromium 87 is what a 2020 Android's own browser carries
    // (docs/ui.md §Phones). Newer syntax is lowered to it.
    target: ['chrome87', 'safari14', 'firefox78'],
    cssTarget: ['chrome87', 'safari14', 'firefox78'],
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});

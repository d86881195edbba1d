/**
 * fieldnode's service worker (docs/ui.md §Offline): keeps the app shell (the page, its scripts and
 * styles) on the phone, so that the UI opens from the phone's cache when the kit cannot be
 * reached, and never touches the API, whose answers must be live or plainly missing.
 *
 * - Scripts and styles have hashed names and never change: served from the cache, fetched once.
 * - The page itself is asked of the kit first (a new build is seen at once), and taken from the
 *   cache when the kit does not answer within a few seconds.
 * - The build (ui/build/service-worker-plugin.ts) writes the file list and a version made from it
 *   in place of the two placeholders; a new version installs beside the old and removes its cache.
 *
 * Browsers run service workers only on secure origins (https, or localhost): on a kit served over
 * plain http the page works without it, and what was typed is kept all the same (docs/ui.md §Offline).
 */
const VERSION = '__FIELDNODE_VERSION__';
const SHELL = '__FIELDNODE_SHELL__';
const PREFIX = 'fieldnode-shell-';
const CACHE = PREFIX + VERSION;
/** How long the page waits for the kit before it opens from the cache. */
const PAGE_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});

/** The page: the kit's if it answers in time (and kept for next time), else the cached one. */
function page(request) {
  const fromKit = fetch(request).then((response) => {
    const type = response.headers.get('content-type') || '';
    if (response.ok && type.startsWith('text/html')) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put('/', copy));
    }
    return response;
  });
  const late = new Promise((resolve) => setTimeout(resolve, PAGE_WAIT_MS));
  const cached = () => caches.match('/');
  return Promise.race([fromKit, late.then(cached)])
    .then((response) => response || fromKit)
    .catch(() => cached().then((hit) => hit || Response.error()));
}

/**
 * Registers the service worker that keeps the app shell on the phone (docs/ui.md §Offline), where
 * the browser offers one: on a secure origin (https, or the kit's own loopback). A kit served over
 * plain http has none, and the page works without it.
 */
export function registerServiceWorker(nav: Navigator = navigator): void {
  if (!('serviceWorker' in nav) || !globalThis.isSecureContext) return;
  nav.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => {
    // Without it the page still works; only opening it with the kit away does not.
    console.warn('service worker not registered', err);
  });
}

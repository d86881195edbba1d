/**
 * A phone in Debian's Chromium for the UI benchmark (docs/ui.md §Measured), driven by
 * playwright-core as the browser tests drive it (docs/ui.md §Tests: the same flags, a phone's
 * viewport with touch, Chinese), each context a fresh profile with an empty cache. Service workers
 * are blocked: a phone on the kit's Wi-Fi reaches it over plain http, where browsers run none
 * (docs/ui.md §Offline), while 127.0.0.1 would let one in and precache every asset.
 *
 * - `firstView`: every response the page takes until the signed-out home is drawn and the network
 *   is quiet, by kind, with its body size as it travelled (gzipped when the server sent it so, else
 *   gzipped here at level 9, as docs/ui.md §Sizes counts).
 * - `throttle`: the DevTools protocol's CPU slow-down and network conditions.
 * - `paintTimes`: the first contentful paint and when the sign-in button was first in the DOM, ms
 *   from the navigation's start, recorded by the page itself.
 */
import { gzipSync } from 'node:zlib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** The flags of the browser tests (docs/ui.md §Tests): no network of Chromium's own, no GPU, no sandbox. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The signed-out home's sign-in button: the app shell drawn and usable. */
export const SIGN_IN_BUTTON = 'button.btn.primary.big[type=button]';

export function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

/** A fresh context (empty cache, no cookies) with a phone's viewport. */
export function phone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    serviceWorkers: 'block',
  });
}

export interface Loaded {
  url: string;
  kind: string;
  /** Bytes as they came over the wire, or gzipped here when they came plain. */
  gzipBytes: number;
  /** Whether the server sent it gzipped. */
  gzipped: boolean;
}

/** Records every response `context` finishes, from now on; `settled()` once each is read. */
export function recordLoads(context: BrowserContext): { loaded: Loaded[]; settled(): Promise<unknown> } {
  const loaded: Loaded[] = [];
  const reading: Promise<void>[] = [];
  context.on('requestfinished', (request) => {
    const read = (async () => {
      const response = await request.response();
      if (response === null) return;
      const encoding = (await response.headerValue('content-encoding')) ?? '';
      const gzipped = encoding.includes('gzip');
      const body = await response.body().catch(() => Buffer.alloc(0));
      const sizes = await request.sizes();
      loaded.push({
        url: request.url(),
        kind: request.resourceType(),
        gzipBytes: gzipped ? sizes.responseBodySize : gzipSync(body, { level: 9 }).length,
        gzipped,
      });
    })();
    reading.push(read.catch(() => {}));
  });
  return { loaded, settled: () => Promise.all(reading) };
}

/**
 * 4× CPU slow-down, and 1.6 Mbit/s down, 750 kbit/s up and 150 ms of latency (Lighthouse's mobile
 * profile), set on the page before it navigates. The latency is added to each request, not to
 * each round trip of its connection.
 */
export async function throttle(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: 1_600_000 / 8,
    uploadThroughput: 750_000 / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

/**
 * Installs, before any script of the page runs, a watch for the sign-in button. Page code is
 * passed as text: the benchmark is compiled without the DOM's types.
 */
export async function watchSignIn(page: Page): Promise<void> {
  await page.addInitScript({
    content: `new MutationObserver((_m, observer) => {
      if (document.querySelector(${JSON.stringify(SIGN_IN_BUTTON)}) === null) return;
      globalThis.__signInAt = performance.now();
      observer.disconnect();
    }).observe(document, { subtree: true, childList: true });`,
  });
}

/** The first contentful paint and the sign-in button's arrival, ms from the navigation's start. */
export async function paintTimes(page: Page): Promise<{ fcp: number; signIn: number }> {
  const [fcp, signIn] = await page.evaluate<[number | null, number | null]>(
    `[performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null, globalThis.__signInAt ?? null]`,
  );
  return { fcp: fcp ?? Number.NaN, signIn: signIn ?? Number.NaN };
}

/**
 * The UI benchmark (docs/ui.md §Measured): a kit built as the daemon builds it (createNode with an
 * `http:` section on 127.0.0.1 port 0, its roster's village officer with a known PIN;
 * bench/http-node.ts) in a process of its own with the daemon's V8 flags (node-process.ts),
 * serving the built web UI from dist/ui through its own server, and Debian's Chromium as a phone
 * (ui-phone.ts):
 *
 * - firstViewGzipKB: every byte the signed-out first view fetched (page, scripts, styles, fonts,
 *   the catalogue inside them), as it travelled, counted from the browser's own responses until the
 *   sign-in button is in the page and the network is quiet; the API's JSON apart. KB = 1,000 bytes.
 * - firstRenderMs4x: the first contentful paint at 4× CPU slow-down, 1.6 Mbit/s and 150 ms of
 *   latency, cold cache (a fresh context each run); median of 5. Beside it, when the sign-in
 *   button was first in the page.
 * - sendToQueuedMs: from the tap (a touch: its pointerdown) on "send" of a filled 初报 form to the
 *   frame that draws the delivery timeline's "stored on the kit" step, which the page shows only
 *   after the kit answered 201, and the kit answers only once the report is synced to its store;
 *   unthrottled; median of 10 after one send not counted.
 *
 * Without Chromium it prints one line and measures nothing. JSON (last line): `firstViewGzipKB,
 * firstRenderMs4x, sendToQueuedMs`, then `signInVisibleMs4x`, every run, and the files of the
 * first view.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, findSystemTool } from '../node/src/link/system-tool.js';
import { PEOPLE, PIN } from './http-node.js';
import { startNodeProcess } from './node-process.js';
import { printTable } from './table.js';
import { launch, paintTimes, phone, recordLoads, SIGN_IN_BUTTON, throttle, watchSignIn } from './ui-phone.js';

const RENDER_RUNS = 5;
const SEND_RUNS = 10;
const OFFICER = PEOPLE[0]?.id as number;

export async function runUiBench(json: boolean): Promise<void> {
  const executable = findSystemTool(CHROMIUM);
  if (executable === undefined) {
    process.stdout.write(`ui: skipped, no ${CHROMIUM.name} on PATH (${CHROMIUM.install})\n`);
    return;
  }
  await ensureUiBuilt();
  const kit = await startNodeProcess('kit');
  let browser: Browser | undefined;
  try {
    browser = await launch(executable);
    const first = await firstView(browser, kit.origin);
    const renders: Array<{ fcp: number; signIn: number }> = [];
    for (let i = 0; i < RENDER_RUNS; i++) renders.push(await throttledRender(browser, kit.origin));
    const sends = await sendToQueued(browser, kit.origin);
    const result = {
      firstViewGzipKB: round(first.assetBytes / 1000, 1),
      firstRenderMs4x: round(median(renders.map((r) => r.fcp))),
      sendToQueuedMs: round(median(sends.measured), 1),
      signInVisibleMs4x: round(median(renders.map((r) => r.signIn))),
      runs: {
        fcpMs: renders.map((r) => round(r.fcp)),
        signInVisibleMs: renders.map((r) => round(r.signIn)),
        sendToQueuedMs: sends.measured.map((m) => round(m, 1)),
        sendWarmUpMs: round(sends.warmUp, 1),
      },
      firstView: { assetBytes: first.assetBytes, apiBytes: first.apiBytes, files: first.files },
      reportsFiled: sends.filed,
      chromium: browser.version(),
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(
      `ui: a kit (createNode, its API and built UI on 127.0.0.1) and Chromium ${result.chromium} as a phone ` +
        '(360 × 740, touch, zh-CN, fresh profile, no service worker as on the kit’s plain-http Wi-Fi)\n\n',
    );
    printTable([
      {
        measure: 'signed-out first view, every byte fetched, gzipped',
        value: result.firstViewGzipKB,
        unit: 'KB',
        target: '≤ 100',
        runs: '1',
      },
      {
        measure: 'first contentful paint, 4× CPU, 1.6 Mbit/s, 150 ms, cold',
        value: result.firstRenderMs4x,
        unit: 'ms',
        target: '≤ 1500',
        runs: result.runs.fcpMs.join(' '),
      },
      {
        measure: '  the sign-in button put in the page (painted at the FCP)',
        value: result.signInVisibleMs4x,
        unit: 'ms',
        target: '',
        runs: result.runs.signInVisibleMs.join(' '),
      },
      {
        measure: 'tap "send" on a filled 初报 → "stored on the kit" drawn',
        value: result.sendToQueuedMs,
        unit: 'ms',
        target: '≤ 200',
        runs: result.runs.sendToQueuedMs.join(' '),
      },
    ]);
    process.stdout.write(
      `\nthe first view's files (the API's JSON beside them: ${first.apiBytes} bytes, not counted)\n\n`,
    );
    printTable(first.files.map((f) => ({ ...f, gzipped: f.gzipped ? 'by the server' : 'here' })));
  } finally {
    await browser?.close();
    await kit.stop();
  }
}

/** dist/ui of the package this module runs from, built with `npm run build:ui` if it is not there. */
async function ensureUiBuilt(): Promise<void> {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('ui: no package.json above the benchmark');
    dir = dirname(dir);
  }
  if (existsSync(join(dir, 'dist', 'ui', 'index.html'))) return;
  process.stderr.write('ui: dist/ui is missing; running npm run build:ui\n');
  await promisify(execFile)('npm', ['run', '--silent', 'build:ui'], { cwd: dir });
}

/** The signed-out home, loaded once in a fresh context: what it fetched, gzipped as it travelled. */
async function firstView(browser: Browser, origin: string) {
  const context = await phone(browser);
  try {
    const loads = recordLoads(context);
    const page = await context.newPage();
    await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
    await page.locator(SIGN_IN_BUTTON).waitFor();
    await loads.settled();
    const isApi = (url: string) => new URL(url).pathname.startsWith('/api/');
    const files = loads.loaded
      .filter((l) => !isApi(l.url))
      .map((l) => ({
        path: new URL(l.url).pathname,
        kind: l.kind,
        gzipBytes: l.gzipBytes,
        gzipped: l.gzipped,
      }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    const sum = (xs: Array<{ gzipBytes: number }>) => xs.reduce((a, x) => a + x.gzipBytes, 0);
    return { files, assetBytes: sum(files), apiBytes: sum(loads.loaded.filter((l) => isApi(l.url))) };
  } finally {
    await context.close();
  }
}

/** One cold load of the signed-out home under the slow phone's conditions. */
async function throttledRender(browser: Browser, origin: string) {
  const context = await phone(browser);
  try {
    const page = await context.newPage();
    await throttle(context, page);
    await watchSignIn(page);
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.locator(SIGN_IN_BUTTON).waitFor();
    return await paintTimes(page);
  } finally {
    await context.close();
  }
}

/**
 * Signs the village officer in, then files SEND_RUNS + 1 初报s through the form, each timed in the
 * page from the tap on send to the frame that draws the "stored on the kit" step reached.
 */
async function sendToQueued(browser: Browser, origin: string) {
  const context = await phone(browser);
  try {
    const page = await context.newPage();
    let filed = 0;
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/reports') && r.status() === 201) filed++;
    });
    await page.goto(`${origin}/report/new`);
    await page.locator('input[name=person]').fill(String(OFFICER));
    await page.locator('input[name=pin]').fill(PIN);
    await page.locator('form button[type=submit]').click();
    const times: number[] = [];
    for (let i = 0; i <= SEND_RUNS; i++) {
      if (i > 0) await page.locator('.after button').nth(1).click();
      times.push(await sendOne(page, i));
    }
    const [warmUp, ...measured] = times;
    if (filed !== SEND_RUNS + 1) throw new Error(`ui: ${filed} reports filed of ${SEND_RUNS + 1}`);
    return { warmUp: warmUp as number, measured, filed };
  } finally {
    await context.close();
  }
}

async function sendOne(page: Page, n: number): Promise<number> {
  await page.locator('input[name="indicators.affected"]').waitFor();
  await page.locator('form .chips button.chip').first().tap();
  await page.locator('input[name="indicators.affected"]').fill(String(20 + n));
  // Page code as text: the benchmark is compiled without the DOM's types.
  await page.evaluate(`(() => {
    globalThis.__sendAt = undefined;
    globalThis.__queuedAt = undefined;
    // The finger's first touch on send: a tap is pointerdown, touchstart, touchend, then click.
    document.querySelector('form button[type=submit]').addEventListener('pointerdown', () => {
      globalThis.__sendAt = performance.now();
    }, { capture: true, once: true });
    new MutationObserver((_m, observer) => {
      if (document.querySelector('[data-step="queued"][data-reached="true"]') === null) return;
      observer.disconnect();
      // The frame that draws it.
      requestAnimationFrame(() => { globalThis.__queuedAt = performance.now(); });
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  await page.locator('form button[type=submit]').tap();
  await page.waitForFunction(() => (globalThis as { __queuedAt?: number }).__queuedAt !== undefined);
  return page.evaluate<number>('globalThis.__queuedAt - globalThis.__sendAt');
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1
    ? (s[Math.floor(mid)] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const round = (n: number, digits = 0) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

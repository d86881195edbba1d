/**
 * What the UI's browser tests stand on (docs/ui.md §Tests): the built UI behind the front door, the
 * API engineer's real API server with its in-memory fixtures (node/src/http/api-fixtures.ts),
 * delivery records the test moves step by step, and Debian's Chromium driven by playwright-core in
 * a fresh profile, with every request that would leave loopback aborted and recorded, uncaught page
 * errors recorded, axe-core's checks, and screenshots in test-results/ui/.
 */
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ApiServerDeps } from '../../node/src/http/api-deps.js';
import {
  MemoryAudit,
  MemoryReports,
  nodeStatus,
  PIN,
  startTestApi,
  type TestApi,
} from '../../node/src/http/api-fixtures.js';
import { EventFeed } from '../../node/src/http/event-hub.js';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import type { DeliveryEvent, DeliveryState, MessageMeta } from '../../node/src/store/records.js';
import { en } from '../src/i18n/en.js';
import { fill } from '../src/i18n/fill.js';
import { type MessageKey, zhCN } from '../src/i18n/zh-CN.js';
import { buildUi } from './build-ui.js';
import { type FrontDoor, startFrontDoor } from './front-door.js';

export type Lang = 'zh-CN' | 'en';
export const PHONE = { name: 'phone', width: 360, height: 740 } as const;
export const DESKTOP = { name: 'desktop', width: 1280, height: 800 } as const;
export type Viewport = typeof PHONE | typeof DESKTOP;

/** The flags docs/ui.md §Tests lists: no network of Chromium's own, no GPU, no sandbox in a container. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SHOTS = fileURLToPath(new URL('../../test-results/ui/', import.meta.url));

/** A catalogue string in `lang`, placeholders filled. */
export function text(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  return fill((lang === 'en' ? en : zhCN)[key], params);
}

/** An area's own catalogue (which the app loads with the area's views), both languages. */
export interface AreaCatalogue<K extends string> {
  zh: Readonly<Record<K, string>>;
  en: Readonly<Record<K, string>>;
}

/** A string of `area`'s catalogue or the base one in `lang`, placeholders filled. */
export function areaText<K extends string>(
  area: AreaCatalogue<K>,
  lang: Lang,
  key: MessageKey | K,
  params?: Record<string, string | number>,
): string {
  const own = (lang === 'en' ? area.en : area.zh) as Readonly<Record<string, string>>;
  const base = (lang === 'en' ? en : zhCN) as Readonly<Record<string, string>>;
  return fill(own[key] ?? base[key] ?? key, params);
}

/** The kit: the UI behind the door, the API behind it, and what the test drives. */
export class KitRig {
  door!: FrontDoor;
  api: TestApi | undefined;
  readonly feed = new EventFeed();
  readonly reports = new MemoryReports(this.feed);
  readonly audit = new MemoryAudit();
  readonly metas = new Map<string, MessageMeta>();
  dataDir!: string;

  async start(): Promise<void> {
    const uiRoot = await buildUi();
    this.dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-ui-api-'));
    this.door = await startFrontDoor({ uiRoot, apiPort: () => this.api?.server.address?.port });
    await this.startApi();
  }

  /** Starts the API (again) on the same data directory and the same reports, as a restarted kit. */
  async startApi(): Promise<void> {
    const over: Partial<ApiServerDeps> = {
      config: {
        ...DEFAULT_HTTP_CONFIG,
        listen: { host: '127.0.0.1', port: 0 },
        publicOrigins: [this.door.origin],
      },
      status: () => nodeStatus(),
      message: async (id) => this.metas.get(id),
      reports: this.reports,
      events: this.feed,
      audit: this.audit,
    };
    this.api = await startTestApi(this.dataDir, over);
    this.api.server.markReady();
  }

  async stopApi(): Promise<void> {
    const api = this.api;
    this.api = undefined;
    await api?.server.stop();
  }

  async stop(): Promise<void> {
    await this.stopApi();
    await this.door.close();
  }

  /** Moves a message's delivery record to `state`, adding its event, and tells the event streams. */
  deliver(id: string, state: DeliveryState, extra: Omit<DeliveryEvent, 'at' | 'state'> = {}): void {
    const [origin, seq] = id.split('/').map(Number) as [number, number];
    const now = Date.now();
    const before = this.metas.get(id);
    const events = [...(before?.events ?? []), { at: now, state, ...extra }];
    const meta: MessageMeta = {
      id,
      origin,
      seq,
      kindCode: 1,
      priority: 1,
      createdAt: Math.floor(now / 1000),
      expiresAt: Math.floor(now / 1000) + 86_400,
      dest: { to: 'centre' },
      local: true,
      forMe: false,
      state,
      out: state === 'queued' ? { mesh0: now + 1000 } : {},
      attempts: state === 'queued' ? {} : { mesh0: 1 },
      expect: 'confirmation',
      confirmWith: 'receipt',
      nextHop: {},
      done: state === 'received',
      ...(extra.node !== undefined && state === 'custody' ? { custodyBy: extra.node } : {}),
      txBytes: state === 'queued' ? 0 : 49,
      credits: 0,
      events,
    };
    this.metas.set(id, meta);
    this.feed.emit({ type: 'message', meta });
  }
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave loopback: each was aborted. */
  readonly offLoopback: string[];
  /** Uncaught errors of the page. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Chromium in a fresh profile at `viewport`, every request off loopback aborted and recorded. */
export async function openBrowser(executablePath: string, viewport: Viewport): Promise<Phone> {
  const profile = await mkdtemp(join(tmpdir(), 'fieldnode-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: viewport.width, height: viewport.height },
    deviceScaleFactor: 1,
    isMobile: viewport === PHONE,
    hasTouch: viewport === PHONE,
    locale: 'zh-CN',
    timezoneId: 'Europe/London',
  });
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname))
      return route.continue();
    offLoopback.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws) => {
    if (!LOOPBACK.has(new URL(ws.url()).hostname)) offLoopback.push(ws.url());
  });
  return { context, page, offLoopback, pageErrors, close: () => context.close() };
}

let axeSource: string | undefined;

/** axe-core's serious and critical violations on the page as it is, as `id: target` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's own CSP does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.targets.join(' ')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Chromium at `viewport` on `url`, in `lang`: English is chosen the way a phone remembers it (its
 * stored choice, then a reload), so the first screen a test sees is already in that language.
 */
export async function openAt(
  executablePath: string,
  viewport: Viewport,
  url: string,
  lang: Lang,
): Promise<Phone> {
  const phone = await openBrowser(executablePath, viewport);
  await phone.page.goto(url);
  if (lang === 'en') {
    await phone.page.evaluate(() => localStorage.setItem('fieldnode.lang', 'en'));
    await phone.page.reload();
  }
  return phone;
}

/**
 * Signs `person` in through the sign-in form `within` shows (the page's header, or a dialog that
 * offers its own), and waits until the page offers to sign out. `openForm` false: the form is
 * already open.
 */
export async function signIn(
  page: Page,
  lang: Lang,
  person: number | string,
  options: { pin?: string; within?: Locator; openForm?: boolean } = {},
): Promise<void> {
  const scope = options.within ?? page;
  if (options.openForm !== false)
    await scope
      .getByRole('button', { name: text(lang, 'session.signIn'), exact: true })
      .first()
      .click();
  await scope.locator('input[name=person]').fill(String(person));
  await scope.locator('input[name=pin]').fill(options.pin ?? PIN);
  await scope.locator('form button[type=submit]').click();
  await page.getByRole('button', { name: text(lang, 'session.signOut') }).waitFor();
}

/** A view as the tests keep it: no serious or critical axe-core finding, and its photograph. */
export async function checkView(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/**
 * Polls `check` every `everyMs` until it holds; after `ms`, fails naming `what` it waited for.
 * Checks that ask a server over HTTP poll less often than checks of the page.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = 'the condition',
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

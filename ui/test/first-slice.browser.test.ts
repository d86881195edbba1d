/**
 * The first slice in a real browser (docs/ui.md §Tests): a village 灾害信息员 signs in on a phone,
 * files a 初报 and watches it go through the states the API reports; files a zero report in one
 * tap; the duty officer sees it on the board. In a phone's and a desktop's viewport, in Chinese and
 * in English; against the real API server on 127.0.0.1; no request leaves loopback; axe-core finds
 * nothing serious; each view is photographed into test-results/ui/. Then the kit loses power while
 * a report is on its way, the page is reloaded from the phone's cache, the kit comes back, and the
 * report arrives exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VILLAGE } from '../../node/src/http/api-fixtures.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import {
  DESKTOP,
  KitRig,
  type Lang,
  openBrowser,
  PHONE,
  type Phone,
  screenshot,
  seriousViolations,
  signIn,
  text,
  until,
  type Viewport,
} from './browser-kit.js';

const chromium = needsSystemTool(CHROMIUM);
const PIN = '482913';

describe.skipIf(chromium === undefined)('the UI in Chromium', () => {
  const rig = new KitRig();
  const shots: string[] = [];

  beforeAll(async () => {
    await rig.start();
    // A report filed is on the kit's disk before the answer leaves: its record says queued.
    rig.feed.subscribe((e) => {
      if (e.type === 'report' && !rig.metas.has(e.report.id)) rig.deliver(e.report.id, 'queued');
    });
  }, 120_000);

  afterAll(async () => {
    await rig.stop();
  });

  async function view(phone: Phone, name: string): Promise<void> {
    expect(await seriousViolations(phone.page), name).toEqual([]);
    shots.push(await screenshot(phone.page, name));
  }

  const cases: Array<[Viewport, Lang]> = [
    [PHONE, 'zh-CN'],
    [PHONE, 'en'],
    [DESKTOP, 'zh-CN'],
    [DESKTOP, 'en'],
  ];

  for (const [viewport, lang] of cases) {
    const tag = `${viewport.name}-${lang === 'en' ? 'en' : 'zh'}`;

    it(`${tag}: sign in, file a 初报 and follow it to the centre, a zero report in one tap, the board`, async () => {
      const phone = await openBrowser(chromium as string, viewport);
      const { page } = phone;
      try {
        await page.goto(`${rig.door.origin}/`);
        await page.getByRole('heading', { name: text('zh-CN', 'home.title') }).waitFor();
        if (lang === 'en') {
          await page.getByRole('button', { name: text('zh-CN', 'lang.switch') }).click();
          await page.getByRole('heading', { name: text('en', 'home.title') }).waitFor();
          await page.reload();
          // Remembered on the phone.
          await page.getByRole('heading', { name: text('en', 'home.title') }).waitFor();
          expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
        }
        await view(phone, `${tag}-home-public`);

        await page
          .getByRole('button', { name: text(lang, 'session.signIn'), exact: true })
          .first()
          .click();
        await page.locator('input[name=pin]').waitFor();
        await view(phone, `${tag}-sign-in`);
        await page.locator('input[name=person]').fill('1');
        await page.locator('input[name=pin]').fill(PIN);
        await page.locator('form button[type=submit]').click();
        await page.getByText(text(lang, 'tile.mesh')).waitFor();
        await view(phone, `${tag}-home`);

        // The 初报: hazard, a few figures, 四断, a note.
        const filedBefore = rig.reports.filed.length;
        await page.getByRole('button', { name: text(lang, 'home.newReport') }).click();
        await page.getByRole('button', { name: text(lang, 'hazard.flashFlood'), exact: true }).click();
        await page.locator('input[name="indicators.affected"]').fill('120');
        await page.locator('input[name="indicators.dead"]').fill('0');
        await page.locator('input[name="indicators.evacuatedToSafety"]').fill('35');
        await page.getByRole('button', { name: text(lang, 'cut.road'), exact: true }).click();
        await page.locator('textarea').last().fill('山洪冲毁三组便桥');
        await view(phone, `${tag}-report-form`);
        await page
          .getByRole('button', { name: text(lang, 'form.send', { stage: text(lang, 'stage.initial') }) })
          .click();

        await until(() => rig.reports.filed.length === filedBefore + 1);
        const filed = rig.reports.filed[filedBefore]?.report;
        expect(filed).toMatchObject({
          stage: 'initial',
          hazard: 18,
          reporter: 1,
          indicators: { affected: 120, dead: 0, evacuatedToSafety: 35 },
        });
        // When it began travels in its own field, for the centre to time the 初报 by, not in the note.
        expect(filed?.note).toBe('山洪冲毁三组便桥');
        expect(filed?.began).toBeGreaterThan(Date.now() / 1000 - 3600);
        const id = filed?.id as string;

        // The states as the kit reports them, each shown only once it is reported.
        const step = (s: string) => page.locator(`[data-step="${s}"]`);
        await step('queued').and(page.locator('[data-reached="true"]')).waitFor();
        expect(await step('received').getAttribute('data-reached')).toBe('false');
        rig.deliver(id, 'sent', { link: 'mesh0' });
        await page.getByText(text(lang, 'delivery.sentOn', { links: 'mesh0' })).waitFor();
        rig.deliver(id, 'custody', { node: 3001 });
        await page.getByText(text(lang, 'delivery.custodyAt', { node: 3001 })).waitFor();
        expect(await step('received').getAttribute('data-reached')).toBe('false');
        rig.deliver(id, 'received', { node: 1 });
        await step('received').and(page.locator('[data-reached="true"]')).waitFor();
        await page.getByText(text(lang, 'delivery.cost', { bytes: 49, credits: 0 })).waitFor();
        await view(phone, `${tag}-delivery`);

        // The zero report of that incident: one tap.
        await page.getByRole('link', { name: text(lang, 'nav.reports') }).click();
        const card = page.locator(`[data-incident="${id}"]`);
        await card.waitFor();
        await card.getByRole('button', { name: text(lang, 'reports.zero') }).click();
        await until(() => rig.reports.filed.length === filedBefore + 2);
        expect(rig.reports.filed[filedBefore + 1]?.report).toMatchObject({
          stage: 'update',
          incidentId: id,
          indicators: {},
        });
        await card.locator('.notice.ok').waitFor();
        await view(phone, `${tag}-reports`);

        // The duty officer's board, and the CSV behind its link.
        await page.getByRole('button', { name: text(lang, 'session.signOut') }).click();
        await signIn(phone.page, lang, 3);
        await page.getByRole('link', { name: text(lang, 'nav.board') }).click();
        await page.locator(`tr[data-area="${VILLAGE}"]`).waitFor();
        await page.locator('tr[data-township="430121101"]').waitFor();
        await view(phone, `${tag}-board`);
        const csv = await page.evaluate(async () => {
          const href = (document.querySelector('a[download]') as HTMLAnchorElement).href;
          const r = await fetch(href);
          return { status: r.status, first: [...new Uint8Array(await r.arrayBuffer()).slice(0, 3)] };
        });
        // UTF-8 with a byte-order mark, as Excel on a Chinese Windows needs (docs/reports.md §Export).
        expect(csv).toEqual({ status: 200, first: [0xef, 0xbb, 0xbf] });

        expect(phone.offLoopback).toEqual([]);
        expect(phone.pageErrors).toEqual([]);
      } finally {
        await phone.close();
      }
    });
  }

  it('keeps a report through a kit that loses power mid-send, and delivers it exactly once', async () => {
    const phone = await openBrowser(chromium as string, PHONE);
    const { page } = phone;
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/reports'))
        keys.push(r.headers()['idempotency-key'] ?? '');
    });
    try {
      await page.goto(`${rig.door.origin}/`);
      await signIn(phone.page, 'zh-CN', 1);
      // The service worker has the app shell before the kit goes.
      await until(() =>
        page.evaluate(
          async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
        ),
      );

      await page.goto(`${rig.door.origin}/report/new`);
      await page.getByRole('button', { name: text('zh-CN', 'hazard.landslide'), exact: true }).click();
      await page.locator('input[name="indicators.affected"]').fill('42');

      // The kit takes the report in, and loses power before it can answer.
      const filedBefore = rig.reports.filed.length;
      // Earlier tests' requests are in the list too: wait for one more POST, this one.
      const postsBefore = rig.door.apiRequests.filter((r) => r === 'POST /api/reports').length;
      const file = rig.reports.file.bind(rig.reports);
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      rig.reports.file = async (...args) => {
        await held;
        return file(...args);
      };
      await page
        .getByRole('button', { name: text('zh-CN', 'form.send', { stage: text('zh-CN', 'stage.initial') }) })
        .click();
      await until(() => rig.door.apiRequests.filter((r) => r === 'POST /api/reports').length > postsBefore);
      rig.door.setOffline(true);
      const stopped = rig.stopApi();
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 3000))]);
      release();
      await stopped;
      rig.reports.file = file;
      // It was filed on the kit; the phone never heard so.
      await until(() => rig.reports.filed.length === filedBefore + 1);
      await page.locator('[data-kept="waiting"]').waitFor();
      await page
        .getByRole('alert')
        .filter({ hasText: text('zh-CN', 'link.staleSince', { time: '' }).slice(0, 6) })
        .waitFor();
      await view(phone, 'phone-zh-stale');

      // Reopened with the kit off: from the phone's cache, the report still there.
      await page.reload();
      await page.getByText(text('zh-CN', 'outbox.bannerSignIn', { n: 1 })).waitFor();
      await view(phone, 'phone-zh-offline');

      // The kit is back: its sessions ended with it, so the same person signs in, and it goes.
      await rig.startApi();
      rig.door.setOffline(false);
      await page
        .getByRole('button', { name: text('zh-CN', 'session.signIn') })
        .last()
        .click();
      await page.locator('input[name=person]').fill('1');
      await page.locator('input[name=pin]').fill(PIN);
      await page.locator('form button[type=submit]').click();
      await until(() => page.evaluate(() => !document.body.textContent?.includes('份报告')), 30_000);

      expect(rig.reports.filed.length).toBe(filedBefore + 1);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(new Set(keys).size).toBe(1);
      const sent = await page.evaluate(() => JSON.parse(localStorage.getItem('fieldnode.outbox.v1') ?? '{}'));
      expect(sent.entries).toEqual([]);
      expect(sent.sent[0].messageId).toBe(rig.reports.filed[filedBefore]?.report.id);
      expect(phone.offLoopback).toEqual([]);
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  afterAll(() => {
    console.log(`screenshots: ${shots.length} in test-results/ui/`);
  });
});

/**
 * A drill node in a real browser (docs/ui.md §Drill mode): the kit's status says `drill`, and the
 * page says 演练 DRILL on every view, to anyone, signed in or not; the report form's drill box is
 * ticked and cannot be unticked, and the report goes as an exercise; the person's list and the
 * board show the drill's reports (which a real board leaves out) and say they are a drill's. In a
 * phone's viewport in Chinese and a desktop's in English, against the real API server on
 * 127.0.0.1, with axe-core's checks and screenshots, as the first slice (first-slice.browser.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServerDeps } from '../../node/src/http/api-deps.js';
import { nodeStatus, startTestApi, VILLAGE } from '../../node/src/http/api-fixtures.js';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import {
  checkView,
  DESKTOP,
  KitRig,
  type Lang,
  openBrowser,
  PHONE,
  type Phone,
  signIn,
  text,
  until,
  type Viewport,
} from './browser-kit.js';

const chromium = needsSystemTool(CHROMIUM);
const _PIN = '482913';

/** The kit of the first slice, but a drill node: its status says so, as app.ts makes it. */
class DrillRig extends KitRig {
  override async startApi(): Promise<void> {
    const over: Partial<ApiServerDeps> = {
      config: {
        ...DEFAULT_HTTP_CONFIG,
        listen: { host: '127.0.0.1', port: 0 },
        publicOrigins: [this.door.origin],
      },
      status: () =>
        nodeStatus({ node: { id: 2107, role: 'kit', name: '青龙村应急点（演练）', drill: true } }),
      message: async (id) => this.metas.get(id),
      reports: this.reports,
      events: this.feed,
      audit: this.audit,
    };
    this.api = await startTestApi(this.dataDir, over);
    this.api.server.markReady();
  }
}

describe.skipIf(chromium === undefined)('a drill node in Chromium', () => {
  const rig = new DrillRig();

  beforeAll(async () => {
    await rig.start();
  }, 120_000);

  afterAll(async () => {
    await rig.stop();
  });

  /** The header's drill tag, the band under it, and the tab's title, in `lang`. */
  async function saysDrill(phone: Phone, lang: Lang): Promise<void> {
    await phone.page.locator('[data-drill]').getByText(text(lang, 'drill.banner')).waitFor();
    const tag = phone.page.locator('header .drill-tag');
    expect(await tag.textContent()).toBe(text(lang, 'drill.tag'));
    // In the sticky header, so in sight wherever the page is scrolled to.
    expect(await tag.isVisible()).toBe(true);
    expect(await phone.page.title()).toBe(`${text(lang, 'drill.tag')} · ${text(lang, 'app.title')}`);
  }

  const cases: Array<[Viewport, Lang]> = [
    [PHONE, 'zh-CN'],
    [DESKTOP, 'en'],
  ];

  for (const [viewport, lang] of cases) {
    const tag = `drill-${viewport.name}-${lang === 'en' ? 'en' : 'zh'}`;

    it(`${tag}: says DRILL to anyone, files only exercises, and shows the drill's board`, async () => {
      const phone = await openBrowser(chromium as string, viewport);
      const { page } = phone;
      try {
        await page.goto(`${rig.door.origin}/`);
        await page.getByRole('heading', { name: text('zh-CN', 'home.title') }).waitFor();
        if (lang === 'en') {
          await page.getByRole('button', { name: text('zh-CN', 'lang.switch') }).click();
          await page.getByRole('heading', { name: text('en', 'home.title') }).waitFor();
        }
        // Signed out: the public status says drill, and so does the page.
        await saysDrill(phone, lang);
        await checkView(phone.page, `${tag}-home-public`);

        await signIn(phone.page, lang, 1);
        await page.getByRole('button', { name: text(lang, 'home.newReport') }).click();
        const box = page.locator('input[name=exercise]');
        await box.waitFor();
        expect(await box.isChecked()).toBe(true);
        expect(await box.isDisabled()).toBe(true);
        await page.getByText(text(lang, 'form.exerciseDrill')).waitFor();
        await saysDrill(phone, lang);
        await page.getByRole('button', { name: text(lang, 'hazard.flashFlood'), exact: true }).click();
        await page.locator('input[name="indicators.affected"]').fill('12');
        await checkView(phone.page, `${tag}-report-form`);
        const filedBefore = rig.reports.filed.length;
        await page
          .getByRole('button', { name: text(lang, 'form.send', { stage: text(lang, 'stage.initial') }) })
          .click();
        await until(() => rig.reports.filed.length === filedBefore + 1);
        const filed = rig.reports.filed[filedBefore]?.report;
        expect(filed).toMatchObject({
          stage: 'initial',
          hazard: 18,
          exercise: true,
          indicators: { affected: 12 },
        });
        const id = filed?.id as string;

        // The person's list: the drill's incident, marked, under a line that says it is a drill's.
        await page.getByRole('link', { name: text(lang, 'nav.reports') }).click();
        await page.locator(`[data-incident="${id}"]`).getByText(text(lang, 'reports.exercise')).waitFor();
        await page.locator('[data-drill-note]').getByText(text(lang, 'reports.drill')).waitFor();
        await checkView(phone.page, `${tag}-reports`);

        // The duty officer's board: the drill's report and totals, said to be a drill's.
        await page.getByRole('button', { name: text(lang, 'session.signOut') }).click();
        await signIn(phone.page, lang, 3);
        await page.getByRole('link', { name: text(lang, 'nav.board') }).click();
        await page.locator('[data-drill-note]').getByText(text(lang, 'board.drill')).waitFor();
        await page.locator(`tr[data-area="${VILLAGE}"]`).waitFor();
        await page.locator('tr[data-township="430121101"]').waitFor();
        await saysDrill(phone, lang);
        await checkView(phone.page, `${tag}-board`);

        expect(phone.offLoopback).toEqual([]);
        expect(phone.pageErrors).toEqual([]);
      } finally {
        await phone.close();
      }
    });
  }
});

/**
 * The hazard views and the map in a real browser (docs/ui.md §Hazards, §The map, §Tests): a village
 * kit and the centre, real cores on real stores joined by a link, each with its hazard ledger, its
 * photos and its API behind a front door serving the built UI (hazards-rig.ts). On a phone at the
 * kit the village officer reports a landslide hazard with a tap on the map and a photo; at the
 * centre's desk the duty officer sees it arrive with no photo (kept at the kit), verifies it as
 * critical, and sees it on the map; the phone hears it verified without a reload and says it is
 * handled; a visitor not signed in sees the verified hazard on the kit's map and no name anywhere.
 * Each view on a phone and a desktop, in Chinese and in English; no request leaves loopback;
 * axe-core finds nothing serious; each view is photographed into test-results/ui/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import { HAZARD_PEOPLE } from '../../node/test/hazard-network.js';
import {
  checkView,
  DESKTOP,
  type Lang,
  openAt,
  PHONE,
  type Phone,
  signIn,
  until,
  type Viewport,
} from './browser-kit.js';
import { buildUi } from './build-ui.js';
import { type HazardRig, say, startHazardRig, testPng } from './hazards-rig.js';

const chromium = needsSystemTool(CHROMIUM);

describe.skipIf(chromium === undefined)('the hazard views and the map in Chromium', () => {
  let uiRoot: string;
  let rig: HazardRig;
  const phones: Phone[] = [];

  beforeAll(async () => {
    uiRoot = await buildUi();
  }, 120_000);

  afterAll(async () => {
    for (const p of phones) await p.close().catch(() => {});
    await rig?.stop();
  });

  async function open(viewport: Viewport, origin: string, lang: Lang): Promise<Phone> {
    const phone = await openAt(chromium as string, viewport, `${origin}/`, lang);
    phones.push(phone);
    return phone;
  }

  async function tab(phone: Phone, lang: Lang, key: 'nav.hazards' | 'nav.map'): Promise<void> {
    await phone.page
      .getByRole('navigation')
      .getByRole('link', { name: say(lang, key) })
      .click();
  }

  function expectClean(phone: Phone): void {
    expect(phone.offLoopback).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
  }

  const cases: Array<{ kit: [Viewport, Lang]; centre: [Viewport, Lang] }> = [
    { kit: [PHONE, 'zh-CN'], centre: [DESKTOP, 'en'] },
    { kit: [DESKTOP, 'en'], centre: [PHONE, 'zh-CN'] },
  ];

  for (const { kit, centre } of cases) {
    const [kv, kl] = kit;
    const [cv, cl] = centre;
    const tag = `hazards-kit-${kv.name}-${kl === 'en' ? 'en' : 'zh'}`;

    it(`${tag}: reported with a photo at the kit, verified at the centre, on the map for anyone, handled at the kit`, async () => {
      await rig?.stop();
      rig = await startHazardRig(uiRoot);
      const { net } = rig;

      // The village officer reports a landslide hazard on the kit's page.
      const officer = await open(kv, rig.kitDoor.origin, kl);
      await signIn(officer.page, kl, 1);
      await tab(officer, kl, 'nav.hazards');
      await officer.page.getByRole('heading', { name: say(kl, 'hz.title') }).waitFor();
      await checkView(officer.page, `${tag}-ledger-empty`);
      await officer.page.getByRole('button', { name: say(kl, 'hz.new') }).click();
      const form = officer.page.locator('form');
      await form.getByRole('button', { name: say(kl, 'hazard.landslide'), exact: true }).click();
      await form.getByLabel(say(kl, 'hz.severity.high'), { exact: true }).check();
      const map = form.locator('.map svg');
      await map.waitFor();
      await map.scrollIntoViewIfNeeded();
      const box = await map.boundingBox();
      if (box === null) throw new Error('the form has no map');
      await officer.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await form.getByText(say(kl, 'hz.form.pointClear')).waitFor();
      await form.getByLabel(say(kl, 'hz.form.people')).fill('23');
      await form.getByLabel(say(kl, 'hz.form.description')).fill('后山裂缝约20米');
      await form.locator('input[type=file]').setInputFiles({
        name: 'crack.png',
        mimeType: 'image/png',
        buffer: testPng(),
      });
      await form.locator('.thumbs img').waitFor();
      await checkView(officer.page, `${tag}-form`);
      await form.getByRole('button', { name: say(kl, 'hz.form.send'), exact: true }).click();
      await officer.page.waitForURL(/\/hazards\/2107\/\d+$/);
      const id = new URL(officer.page.url()).pathname.replace('/hazards/', '');
      await officer.page.locator('[data-status="reported"]').waitFor();
      const photo = officer.page.locator('.photos img').first();
      await photo.waitFor();
      await until(() => photo.evaluate((img) => (img as HTMLImageElement).naturalWidth > 0));
      await checkView(officer.page, `${tag}-hazard`);
      expect(net.kit.book.get(id)).toMatchObject({
        hazard: 160,
        severity: 'high',
        photos: 1,
        peopleAtRisk: 23,
      });
      expect(net.kit.book.get(id)?.point).toBeDefined();

      // At the centre the duty officer finds it, without its photo, and verifies it as critical.
      const duty = await open(cv, rig.centreDoor.origin, cl);
      await signIn(duty.page, cl, 3);
      await tab(duty, cl, 'nav.hazards');
      const row = duty.page.locator(`[data-hazard="${id}"]`);
      await row.waitFor({ timeout: 20_000 });
      await checkView(duty.page, `${tag}-centre-ledger`);
      await row.getByRole('link').click();
      await duty.page.getByText(say(cl, 'hz.page.photosElsewhere', { n: 1, node: 2107 })).waitFor();
      await duty.page.getByLabel(say(cl, 'hz.page.correctSeverity')).selectOption('critical');
      await duty.page.getByRole('button', { name: say(cl, 'hz.page.to.verified'), exact: true }).click();
      await duty.page.locator('[data-status="verified"]').waitFor();
      await checkView(duty.page, `${tag}-centre-hazard`);
      await tab(duty, cl, 'nav.map');
      await duty.page.locator(`g[data-hazard="${id}"]`).waitFor();
      await checkView(duty.page, `${tag}-centre-map`);

      // The phone hears the verification on its own and the officer says it is handled.
      await officer.page.locator('[data-status="verified"]').waitFor({ timeout: 20_000 });
      await officer.page.getByRole('button', { name: say(kl, 'hz.page.to.handled'), exact: true }).click();
      await officer.page.locator('[data-status="handled"]').waitFor();
      await until(() => net.centre.book.get(id)?.status === 'handled', 20_000);

      // Anyone at the kit sees it on the map, and no person's name anywhere.
      const visitor = await open(kv, rig.kitDoor.origin, kl);
      await tab(visitor, kl, 'nav.map');
      const marker = visitor.page.locator(`g[data-hazard="${id}"]`);
      await marker.waitFor();
      expect(await marker.getAttribute('aria-label')).toContain(say(kl, 'hazard.landslide'));
      await visitor.page.getByText(say(kl, 'map.publicNote')).waitFor();
      await checkView(visitor.page, `${tag}-public-map`);
      const text = await visitor.page.evaluate(() => document.documentElement.outerHTML);
      for (const p of HAZARD_PEOPLE) expect(text).not.toContain(p.name);
      expect(text).not.toContain('后山裂缝');
      await marker.click();
      await visitor.page.locator('.chosen').waitFor();
      expect(
        await visitor.page
          .locator('.chosen')
          .getByRole('button', { name: say(kl, 'map.open') })
          .count(),
      ).toBe(0);

      for (const p of [officer, duty, visitor]) expectClean(p);
    }, 180_000);
  }
});

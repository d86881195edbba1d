/**
 * Signing in, in a real browser (docs/ui.md §Sign-in): the header says who is signed in as soon as
 * the kit has answered the sign-in, while the kit's full status is still being read. A page the
 * person opens in that time stays open: the sign-in form's "then go home" must not take it from
 * them when the status arrives (a slow kit at 3 a.m. made the warnings page vanish this way).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import { KitRig, openBrowser, PHONE, text, until } from './browser-kit.js';

const chromium = needsSystemTool(CHROMIUM);
const PIN = '482913';

describe.skipIf(chromium === undefined)('signing in, in Chromium', () => {
  const rig = new KitRig();

  beforeAll(async () => {
    await rig.start();
  }, 120_000);

  afterAll(async () => {
    await rig.stop();
  });

  it('a page opened while the status is still read after signing in is not taken away', async () => {
    const phone = await openBrowser(chromium as string, PHONE);
    const { page } = phone;
    try {
      await page.goto(`${rig.door.origin}/`);
      await page
        .getByRole('button', { name: text('zh-CN', 'session.signIn'), exact: true })
        .first()
        .click();
      await page.locator('input[name=person]').fill('1');
      await page.locator('input[name=pin]').fill(PIN);

      // The signed-in status is held until the person has opened another page.
      let release: () => void = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      let held = 0;
      await page.route('**/api/status', async (route) => {
        held++;
        await released;
        await route.continue();
      });
      await page.locator('form button[type=submit]').click();
      await page.getByRole('button', { name: text('zh-CN', 'session.signOut') }).waitFor();
      await until(() => held > 0);
      await page
        .getByRole('link', { name: text('zh-CN', 'nav.reports'), exact: true })
        .first()
        .click();
      await until(() => page.evaluate(() => location.pathname === '/reports'));

      const statusRead = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/status');
      release();
      await statusRead;
      // The sign-in's own continuation runs after the status: it remembers the person on the phone
      // and, in the same turn, decides where to go. Once the person is remembered, look.
      await until(() => page.evaluate(() => localStorage.getItem('fieldnode.person') === '1'));
      expect(await page.evaluate(() => location.pathname)).toBe('/reports');
      await page.getByRole('heading', { name: text('zh-CN', 'reports.title') }).waitFor();
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

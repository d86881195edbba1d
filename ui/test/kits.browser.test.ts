/**
 * The centre's kit-health view in a real browser (docs/ui.md §Kits at the centre, §Tests;
 * docs/kits.md): the duty officer opens the board on a phone and on a desk, in Chinese and in
 * English (kits-rig.ts: the real API server and kit board). Kit 2107 is heard announcing its next
 * health message within a second, the spare 2111 heard well, 2108 never: the board shows 2107's
 * battery, links, clock and queue, and when 2107 falls silent the alert arrives on the page by the
 * event stream, without a reload. On the phone the officer revokes 2107, names 2111 to carry on and
 * is offered the handover file; the desk, opened after, shows what was done. No request leaves
 * loopback; axe-core finds nothing serious; each view is photographed into test-results/ui/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import {
  checkView,
  DESKTOP,
  type Lang,
  openAt,
  PHONE,
  type Phone,
  signIn,
  type Viewport,
} from './browser-kit.js';
import { buildUi } from './build-ui.js';
import { DUTY_OFFICER, ELSEWHERE, type KitsRig, LOST, SPARE, say, startKitsRig } from './kits-rig.js';

const chromium = needsSystemTool(CHROMIUM);

describe.skipIf(chromium === undefined)('the kit-health view in Chromium', () => {
  let uiRoot: string;
  let rig: KitsRig;
  const phones: Phone[] = [];

  beforeAll(async () => {
    uiRoot = await buildUi();
    rig = await startKitsRig(uiRoot);
  }, 120_000);

  afterAll(async () => {
    for (const p of phones) await p.close().catch(() => {});
    await rig?.stop();
  });

  async function open(viewport: Viewport, lang: Lang): Promise<Phone> {
    const phone = await openAt(chromium as string, viewport, `${rig.door.origin}/`, lang);
    phones.push(phone);
    const { page } = phone;
    await signIn(page, lang, DUTY_OFFICER);
    // A duty officer has every tab; each stays a thumb's target (48 px) however narrow the phone.
    const nav = page.getByRole('navigation').getByRole('link');
    expect(await nav.count()).toBeGreaterThanOrEqual(7);
    for (const box of await nav.evaluateAll((links) =>
      links.map((l) => {
        const r = l.getBoundingClientRect();
        return { w: r.width, h: r.height, text: l.textContent };
      }),
    ))
      expect(Math.min(box.w, box.h), `${box.text}: ${box.w} × ${box.h}`).toBeGreaterThanOrEqual(48);
    await page
      .getByRole('navigation')
      .getByRole('link', { name: say(lang, 'nav.kits') })
      .click();
    await page.getByRole('heading', { name: say(lang, 'kits.title') }).waitFor();
    return phone;
  }

  it('phone, Chinese: the board, a silence arriving live, then the lost kit revoked and replaced', async () => {
    await rig.hear(SPARE, 900, 40);
    const lang: Lang = 'zh-CN';
    const phone = await open(PHONE, lang);
    const { page } = phone;
    const card = (id: number) => page.locator(`[data-kit="${id}"]`);
    await card(SPARE).locator('[data-power]').waitFor();
    expect(await card(ELSEWHERE).getAttribute('data-state')).toBe('never-heard');
    const power = await card(SPARE).locator('[data-power]').textContent();
    expect(power).toContain(say(lang, 'kits.battery', { percent: 64 }));
    expect(power).toContain(say(lang, 'kits.power.battery'));
    expect(await card(SPARE).locator('[data-links]').textContent()).toContain(
      say(lang, 'kits.linkDown', { kind: say(lang, 'kits.link.iridium-sbd'), state: 'no-service' }),
    );
    expect((await card(SPARE).locator('[data-clock]').textContent())?.trim()).toBe(
      say(lang, 'kits.clockTrusted', { source: say(lang, 'kits.clockSource.gps') }),
    );
    await checkView(phone.page, 'kits-phone-zh-board');

    // Kit 2107 is heard, announcing its next health message within a second; none comes.
    await rig.hear(LOST, 1, 50);
    await card(LOST).locator('[data-heard]').waitFor();
    await card(LOST).locator('[data-alert="silent"]').waitFor({ timeout: 15_000 });
    expect(await card(LOST).getAttribute('data-state')).toBe('alert');
    // Alerts first.
    expect(await page.locator('[data-kit]').first().getAttribute('data-kit')).toBe(String(LOST));
    await checkView(phone.page, 'kits-phone-zh-silent');

    // Revoke it: a confirmation first.
    await card(LOST)
      .getByRole('button', { name: say(lang, 'kits.revoke') })
      .click();
    await card(LOST)
      .getByText(say(lang, 'kits.revokeConfirm', { id: LOST }))
      .waitFor();
    await checkView(phone.page, 'kits-phone-zh-confirm');
    await card(LOST)
      .getByRole('button', { name: say(lang, 'kits.revoke') })
      .click();
    await page.locator(`[data-kit="${LOST}"][data-state="revoked"]`).waitFor();
    expect(rig.signed[0]).toMatchObject({ kind: 'control', body: { revokeNodes: [LOST] } });

    // Name 2111, the only spare of the same village (2108 serves another).
    const choice = card(LOST).locator('select[name=replacement]');
    expect(await choice.locator('option').allInnerTexts()).toEqual([say(lang, 'kits.kit', { id: SPARE })]);
    await card(LOST)
      .getByRole('button', { name: say(lang, 'kits.replaceGo') })
      .click();
    await page.locator('[data-done]').waitFor();
    expect((await page.locator('[data-done]').textContent())?.trim()).toBe(
      say(lang, 'kits.replacedDone', { id: LOST, by: SPARE, incidents: 1, warnings: 0 }),
    );
    await card(LOST).locator(`[data-replaced-by="${SPARE}"]`).waitFor();
    await card(SPARE).locator(`[data-replaces="${LOST}"]`).waitFor();
    const handover = card(LOST).getByRole('link', { name: say(lang, 'kits.handover') });
    expect(await handover.getAttribute('href')).toBe(`/api/kits/${LOST}/handover`);
    await checkView(phone.page, 'kits-phone-zh-replaced');
    expect(phone.offLoopback).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
  }, 90_000);

  it('desktop, English: the board as the duty officer left it, in a grid', async () => {
    const lang: Lang = 'en';
    const phone = await open(DESKTOP, lang);
    const { page } = phone;
    await page.locator(`[data-kit="${LOST}"][data-state="revoked"]`).waitFor();
    expect((await page.locator('[data-counts]').textContent())?.trim()).toBe(
      say(lang, 'kits.counts', { total: 3, alert: 0, ok: 1, never: 1, revoked: 1 }),
    );
    expect(await page.locator(`[data-kit="${LOST}"] [data-revoked]`).textContent()).toContain(
      say(lang, 'kits.by.person', { id: DUTY_OFFICER }),
    );
    // Two columns or more on a desk: the second card sits beside the first.
    const boxes = await page
      .locator('[data-kit]')
      .evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().top));
    expect(boxes[0]).toBe(boxes[1]);
    await checkView(phone.page, 'kits-desktop-en-board');
    expect(phone.offLoopback).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
  }, 90_000);
});

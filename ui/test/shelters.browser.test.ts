/**
 * The shelter view in a real browser (docs/shelters.md §The view, §Tests; docs/shelters.md), over whole
 * nodes: the centre and two village kits of node/test/shelter-network.ts (real cores and stores,
 * roll-calls carried over fake IP links), the built UI behind a front door at kit 2107 and at the
 * centre. On a phone in Chinese, a passer-by at the kit sees the shelters' counts and no person;
 * the village's officer signs in, counts five people in and checks one in by registration id, each
 * button a thumb's target. On a desk in English the duty officer sees the centre's figures, totals
 * by township, a count made at the kit arriving live by the event stream, and the people still
 * unaccounted for by name; the centre's public page then shows no name and no registration id. No
 * request leaves loopback; axe-core finds nothing serious; each view is photographed.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import { EXPECTED_NAMES, type ShelterNetwork, startShelterNetwork } from '../../node/test/shelter-network.js';
import { sheltersEn } from '../src/i18n/shelters-en.js';
import { type SheltersKey, sheltersZhCN } from '../src/i18n/shelters-zh-CN.js';
import type { MessageKey } from '../src/i18n/zh-CN.js';
import {
  areaText,
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
import { type FrontDoor, startFrontDoor } from './front-door.js';

const chromium = needsSystemTool(CHROMIUM);
const VILLAGE_OFFICER = 1;
const DUTY_OFFICER = 3;

function say(lang: Lang, key: MessageKey | SheltersKey, params?: Record<string, string | number>): string {
  return areaText({ zh: sheltersZhCN, en: sheltersEn }, lang, key, params);
}

describe.skipIf(chromium === undefined)('the shelter view in Chromium', () => {
  let net: ShelterNetwork | undefined;
  let kitDoor: FrontDoor;
  let centreDoor: FrontDoor;
  const phones: Phone[] = [];

  beforeAll(async () => {
    const uiRoot = await buildUi();
    kitDoor = await startFrontDoor({ uiRoot, apiPort: () => net?.kitA.api.server.address?.port });
    centreDoor = await startFrontDoor({ uiRoot, apiPort: () => net?.centre.api.server.address?.port });
    net = await startShelterNetwork({
      api: () => ({
        config: {
          ...DEFAULT_HTTP_CONFIG,
          listen: { host: '127.0.0.1', port: 0 },
          publicOrigins: [kitDoor.origin, centreDoor.origin],
        },
      }),
    });
  }, 120_000);

  afterAll(async () => {
    for (const p of phones) await p.close().catch(() => {});
    await net?.stop();
    await kitDoor?.close();
    await centreDoor?.close();
  });

  async function open(viewport: Viewport, door: FrontDoor, lang: Lang): Promise<Phone> {
    const phone = await openAt(chromium as string, viewport, `${door.origin}/shelters`, lang);
    phones.push(phone);
    await phone.page.getByRole('heading', { name: say(lang, 'shelters.title'), level: 1 }).waitFor();
    return phone;
  }

  /** The tab bar offers the shelters to those who count at one or see their figures: follow it. */
  async function toShelters(page: Page, lang: Lang): Promise<void> {
    await page
      .getByRole('navigation')
      .getByRole('link', { name: say(lang, 'nav.shelters') })
      .click();
    await page.getByRole('heading', { name: say(lang, 'shelters.title'), level: 1 }).waitFor();
  }

  const card = (page: Page, n: number) => page.locator(`[data-shelter="${n}"]`);

  /** Every button and field of the page is at least a thumb's 48 px high. */
  async function thumbTargets(page: Page): Promise<void> {
    const boxes = await page
      .locator('main button, main input[type=number], main a.btn')
      .evaluateAll((els) => els.map((e) => ({ h: e.getBoundingClientRect().height, text: e.textContent })));
    expect(boxes.length).toBeGreaterThan(0);
    for (const b of boxes) expect(b.h, b.text ?? '').toBeGreaterThanOrEqual(48);
  }

  it('phone, Chinese: the public counts at the kit, then people counted and checked in', async () => {
    const lang: Lang = 'zh-CN';
    const phone = await open(PHONE, kitDoor, lang);
    const { page } = phone;
    // Not signed in: the shelters, their room, no form, no person.
    await card(page, 1).waitFor();
    expect(await card(page, 1).locator('[data-present]').textContent()).toContain(
      say(lang, 'shelters.present', { present: 0 }),
    );
    expect(await page.locator('form.record').count()).toBe(0);
    await checkView(page, 'shelters-phone-zh-public');

    await signIn(page, lang, VILLAGE_OFFICER);
    await toShelters(page, lang);
    const one = card(page, 1);
    await one.locator('input[name=in]').fill('5');
    await one.getByRole('button', { name: say(lang, 'shelters.countGo') }).click();
    await page.locator('[data-done]').waitFor();
    expect((await page.locator('[data-done]').textContent())?.trim()).toBe(
      say(lang, 'shelters.counted', { name: '青龙村小学安置点', present: 5 }),
    );
    await one.locator('input[name=registration]').fill('1202');
    await one.getByRole('button', { name: say(lang, 'shelters.flag.elderly') }).click();
    await one.getByRole('button', { name: say(lang, 'shelters.checkinGo'), exact: true }).click();
    await until(
      async () =>
        (await page.locator('[data-done]').textContent())?.trim() ===
        say(lang, 'shelters.checkedInDone', {
          who: say(lang, 'shelters.who.registration', { id: 1202 }),
          movement: say(lang, 'shelters.movement.in'),
          name: '青龙村小学安置点',
          present: 6,
        }),
      15_000,
      'the check-in to be confirmed',
    );
    // The card reads the shelter again after the write.
    await until(
      async () =>
        ((await one.locator('[data-present]').textContent()) ?? '').includes(
          say(lang, 'shelters.present', { present: 6 }),
        ),
      15_000,
      'the card to show the new head count',
    );
    await thumbTargets(page);
    await checkView(page, 'shelters-phone-zh-counted');
    expect(phone.offLoopback).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
  }, 90_000);

  it('desktop, English: the centre’s figures, a count arriving live, the unaccounted; no name in public', async () => {
    const lang: Lang = 'en';
    const phone = await open(DESKTOP, centreDoor, lang);
    const { page } = phone;
    await signIn(page, lang, DUTY_OFFICER);
    await toShelters(page, lang);
    const one = card(page, 1);
    await until(
      async () =>
        ((await one.locator('[data-present]').textContent()) ?? '').includes(
          say(lang, 'shelters.present', { present: 6 }),
        ),
      20_000,
      'the kit’s roll-calls to reach the centre',
    );
    // A count made at the kit now reaches the open page by the event stream, without a reload.
    const officer = net!.kitA.api.client();
    await officer.signIn(VILLAGE_OFFICER);
    expect((await officer.request('POST', '/api/shelters/1/counts', { body: { in: 4 } })).status).toBe(201);
    await until(
      async () =>
        ((await one.locator('[data-present]').textContent()) ?? '').includes(
          say(lang, 'shelters.present', { present: 10 }),
        ),
      20_000,
      'the new count to arrive live',
    );
    const all = page.locator('[data-totals] tr[data-area="all"]');
    expect((await all.locator('[data-current]').textContent())?.trim()).toBe('10');
    expect((await all.locator('[data-cumulative]').textContent())?.trim()).toBe('10');
    // Two cards side by side on a desk.
    const [a, b] = await page
      .locator('[data-shelter]')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(a).toBe(b);

    await page.getByRole('button', { name: say(lang, 'shelters.unaccountedShow') }).click();
    await page.locator('[data-missing]').first().waitFor();
    expect(
      await page
        .locator('[data-missing]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-missing'))),
    ).toEqual(['1201', '1203']);
    expect(await page.locator('[data-unaccounted]').textContent()).toContain('王大伯');
    await checkView(page, 'shelters-desktop-en-centre');
    expect(phone.offLoopback).toEqual([]);
    expect(phone.pageErrors).toEqual([]);

    // Anyone at the centre's door: the counts, and no name, no registration id anywhere on the page.
    const anon = await open(DESKTOP, centreDoor, lang);
    await card(anon.page, 1).locator('[data-present]').waitFor();
    const shown = (await anon.page.locator('body').textContent()) ?? '';
    expect(shown).toContain(say(lang, 'shelters.present', { present: 10 }));
    for (const name of EXPECTED_NAMES) expect(shown).not.toContain(name);
    for (const id of ['1201', '1202', '1203']) expect(shown).not.toContain(id);
    await checkView(anon.page, 'shelters-desktop-en-public');
  }, 90_000);
});

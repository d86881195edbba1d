/**
 * The request and SOS views in a real browser (docs/requests.md §The views, §Tests): a village kit
 * and the centre, real cores on real stores joined by a link, each with its request book and its API
 * behind a front door serving the built UI (node/test/request-network.ts). At the kit an officer
 * asks for water; at the centre the duty officer finds it on the board and commits part of it with
 * an expected arrival; the kit's page shows the commit and who made it without a reload. A grid
 * member sends an SOS with two taps; the centre's alarm sounds and a banner over the duty
 * officer's page leads to the board, where the SOS is acknowledged; the kit's button says the centre has it and who answered. A visitor sees the open
 * requests counted by type and no name. Phone and desktop, Chinese and English; no request leaves
 * loopback; axe-core finds nothing serious; each view is photographed into test-results/ui/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE } from '../../node/src/http/api-fixtures.js';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import { type RequestNetwork, startRequestNetwork } from '../../node/test/request-network.js';
import { requestsEn } from '../src/i18n/requests-en.js';
import { type RequestsKey, requestsZhCN } from '../src/i18n/requests-zh-CN.js';
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

function say(lang: Lang, key: MessageKey | RequestsKey, params?: Record<string, string | number>): string {
  return areaText({ zh: requestsZhCN, en: requestsEn }, lang, key, params);
}

describe.skipIf(chromium === undefined)('the request and SOS views in Chromium', () => {
  let uiRoot: string;
  let net: RequestNetwork | undefined;
  let doors: { kit: FrontDoor; centre: FrontDoor } | undefined;
  const phones: Phone[] = [];

  beforeAll(async () => {
    uiRoot = await buildUi();
  }, 120_000);

  async function stopAll(): Promise<void> {
    for (const p of phones.splice(0)) await p.close().catch(() => {});
    await net?.stop();
    await doors?.kit.close();
    await doors?.centre.close();
  }

  afterAll(stopAll);

  async function start(): Promise<{ net: RequestNetwork; kit: FrontDoor; centre: FrontDoor }> {
    await stopAll();
    let n: RequestNetwork | undefined;
    const kit = await startFrontDoor({ uiRoot, apiPort: () => n?.kit.api.server.address?.port });
    const centre = await startFrontDoor({ uiRoot, apiPort: () => n?.centre.api.server.address?.port });
    n = await startRequestNetwork({
      sosRepeatMs: 500,
      api: (role) => ({
        config: {
          ...DEFAULT_HTTP_CONFIG,
          listen: { host: '127.0.0.1', port: 0 },
          publicOrigins: [(role === 'kit' ? kit : centre).origin],
        },
      }),
    });
    net = n;
    doors = { kit, centre };
    return { net: n, kit, centre };
  }

  async function open(viewport: Viewport, origin: string, lang: Lang, path = '/'): Promise<Phone> {
    const phone = await openAt(chromium as string, viewport, `${origin}${path}`, lang);
    phones.push(phone);
    return phone;
  }

  async function requestsTab(phone: Phone, lang: Lang): Promise<void> {
    await phone.page
      .getByRole('navigation')
      .getByRole('link', { name: say(lang, 'nav.requests') })
      .click();
  }

  const cases: Array<{ kit: [Viewport, Lang]; centre: [Viewport, Lang] }> = [
    { kit: [PHONE, 'zh-CN'], centre: [DESKTOP, 'en'] },
    { kit: [DESKTOP, 'en'], centre: [PHONE, 'zh-CN'] },
  ];

  for (const { kit, centre } of cases) {
    const [kv, kl] = kit;
    const [cv, cl] = centre;
    const tag = `requests-kit-${kv.name}-${kl === 'en' ? 'en' : 'zh'}`;

    it(`${tag}: a request committed in part at the centre, an SOS acknowledged, counts for the public`, async () => {
      const rig = await start();

      // The village officer asks for 50 boxes of water for 40 people.
      const officer = await open(kv, rig.kit.origin, kl);
      await signIn(officer.page, kl, 1);
      await requestsTab(officer, kl);
      await officer.page.getByRole('heading', { name: say(kl, 'rq.title') }).waitFor();
      await checkView(officer.page, `${tag}-list-empty`);
      await officer.page.getByRole('button', { name: say(kl, 'rq.new') }).click();
      const form = officer.page.locator('form');
      await form.getByLabel(say(kl, 'rq.type.supplies'), { exact: true }).check();
      await form.getByLabel(say(kl, 'rq.people')).fill('40');
      await form.locator('select[name=item-0]').selectOption('1');
      await form.locator('input[name=quantity-0]').fill('50');
      await form.getByLabel(say(kl, 'rq.note')).fill('三组缺水');
      await checkView(officer.page, `${tag}-form`);
      await form.getByRole('button', { name: say(kl, 'rq.send'), exact: true }).click();
      await officer.page.waitForURL(/\/requests\/2107\/\d+$/);
      const id = new URL(officer.page.url()).pathname.replace('/requests/', '');
      await officer.page.locator('[data-status="requested"]').waitFor();
      await checkView(officer.page, `${tag}-request`);

      // The duty officer finds it on the board and commits 30 boxes, due in two hours.
      const duty = await open(cv, rig.centre.origin, cl);
      await signIn(duty.page, cl, 3);
      await requestsTab(duty, cl);
      const card = duty.page.locator(`[data-request="${id}"]`);
      await card.waitFor({ timeout: 20_000 });
      await checkView(duty.page, `${tag}-centre-board`);
      await card.getByRole('link').click();
      await duty.page.locator('select[name=commit-item-0]').selectOption('1');
      await duty.page.locator('input[name=commit-quantity-0]').fill('30');
      await duty.page.locator('input[name=eta-hours]').fill('2');
      await duty.page.locator('[data-step="committed"]').click();
      await duty.page.locator('[data-status="committed"]').waitFor();
      await checkView(duty.page, `${tag}-centre-request`);

      // The kit's page hears it on its own: committed, what, and by whom.
      await officer.page.locator('[data-status="committed"]').waitFor({ timeout: 20_000 });
      expect(await officer.page.locator('[data-committed]').textContent()).toContain('30');
      expect(await officer.page.locator('[data-answered]').textContent()).toContain('王强');
      expect(await officer.page.locator('[data-delivery]').getAttribute('data-delivery')).toBe('received');

      // A grid member sends an SOS with two taps; a single tap sends nothing.
      const member = await open(kv, rig.kit.origin, kl);
      await signIn(member.page, kl, 2);
      await requestsTab(member, kl);
      const sos = member.page.locator('.sos-button');
      await sos.click();
      await member.page.getByText(say(kl, 'rq.sos.confirm')).waitFor();
      await checkView(member.page, `${tag}-sos-armed`);
      expect(rig.net.kit.requests.book.list().filter((r) => r.sos)).toEqual([]);
      await sos.click();
      await member.page.locator('[data-sos-state]').waitFor();
      const sosId = rig.net.kit.requests.book.list().find((r) => r.sos)?.id as string;
      expect(sosId).toBeDefined();

      // The centre's alarm sounds until the duty officer acknowledges it on the board.
      await until(() => rig.net.spoken().length >= 2, 20_000, 'the SOS alarm to sound twice');
      // Wherever the duty officer is, the banner says an SOS sounds, and leads to the board.
      const banner = duty.page.locator('.sos-banner');
      await banner.waitFor({ timeout: 20_000 });
      await checkView(duty.page, `${tag}-centre-sos-banner`);
      await banner.getByRole('button', { name: say(cl, 'rq.sos.open') }).click();
      const sosCard = duty.page.locator(`[data-request="${sosId}"]`);
      await sosCard.getByRole('button', { name: say(cl, 'rq.sos.acknowledge') }).click({ timeout: 20_000 });
      await until(() => !rig.net.centre.requests.desk?.isSounding(sosId), 10_000, 'the alarm to stop');
      await checkView(duty.page, `${tag}-centre-sos-acknowledged`);

      // The grid member's button says who answered.
      await member.page.getByText(say(kl, 'rq.sos.answered', { name: '王强' })).waitFor({ timeout: 20_000 });
      await checkView(member.page, `${tag}-sos-answered`);

      // A visitor at the kit sees counts by type, and no name.
      const visitor = await open(kv, rig.kit.origin, kl, '/requests');
      await visitor.page.locator('[data-public-counts]').waitFor();
      const html = await visitor.page.evaluate(() => document.documentElement.outerHTML);
      for (const p of PEOPLE) expect(html).not.toContain(p.name);
      expect(html).not.toContain('三组缺水');
      await checkView(visitor.page, `${tag}-public`);

      for (const p of [officer, duty, member, visitor]) {
        expect(p.offLoopback).toEqual([]);
        expect(p.pageErrors).toEqual([]);
      }
    }, 180_000);
  }
});

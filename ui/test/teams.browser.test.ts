/**
 * The teams and texts views in a real browser (docs/teams.md §The views; docs/teams.md,
 * docs/texts.md), over the two real nodes of node/test/team-network.ts (a centre and a rescue
 * team's kit, real cores on LevelDB joined by a fake IP link), each behind its own front door on
 * 127.0.0.1 serving the built UI. The duty officer, on a desk in English, assigns a task with its
 * bytes counted as typed; the team's leader, on a phone in Chinese, accepts it and reaches the
 * scene, and the desk shows each step live; the phone sends its position (the browser's
 * geolocation), which the desk shows with its age; a Chinese text goes from the phone to the centre,
 * costing 3 bytes a character, arrives unread on the desk, is answered, and the phone shows its own
 * text received. On the team's phone the SOS button stands above the tasks: two taps send an SOS
 * from the team's kit, which the centre holds. No request leaves loopback; axe-core finds nothing serious; each view is
 * photographed into test-results/ui/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import { startTeamNetwork, TEAM_KIT, type TeamNetwork } from '../../node/test/team-network.js';
import { requestsEn } from '../src/i18n/requests-en.js';
import { type RequestsKey, requestsZhCN } from '../src/i18n/requests-zh-CN.js';
import { teamsEn } from '../src/i18n/teams-en.js';
import { type TeamsKey, teamsZhCN } from '../src/i18n/teams-zh-CN.js';
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
} from './browser-kit.js';
import { buildUi } from './build-ui.js';
import { type FrontDoor, startFrontDoor } from './front-door.js';
import { testMap } from './hazards-rig.js';

const chromium = needsSystemTool(CHROMIUM);
const DUTY_OFFICER = 3;
const LEADER = 6;

function say(lang: Lang, key: MessageKey | TeamsKey, params?: Record<string, string | number>): string {
  return areaText({ zh: teamsZhCN, en: teamsEn }, lang, key, params);
}

describe.skipIf(chromium === undefined)('the teams and texts views in Chromium', () => {
  let net: TeamNetwork;
  let centreDoor: FrontDoor;
  let kitDoor: FrontDoor;
  const phones: Phone[] = [];

  beforeAll(async () => {
    const uiRoot = await buildUi();
    centreDoor = await startFrontDoor({ uiRoot, apiPort: () => net?.centre.api.server.address?.port });
    kitDoor = await startFrontDoor({ uiRoot, apiPort: () => net?.kit.api.server.address?.port });
    const origin = (role: 'centre' | 'kit') => (role === 'centre' ? centreDoor : kitDoor).origin;
    const map = await testMap();
    net = await startTeamNetwork({
      hazards: true,
      requests: true,
      api: (role) => ({
        config: {
          ...DEFAULT_HTTP_CONFIG,
          listen: { host: '127.0.0.1', port: 0 },
          publicOrigins: [origin(role)],
        },
        map,
      }),
    });
  }, 120_000);

  afterAll(async () => {
    for (const p of phones) await p.close().catch(() => {});
    await centreDoor?.close();
    await kitDoor?.close();
    await net?.stop();
  });

  async function open(
    door: FrontDoor,
    viewport: typeof PHONE | typeof DESKTOP,
    lang: Lang,
    person: number,
  ): Promise<Phone> {
    const phone = await openAt(chromium as string, viewport, `${door.origin}/`, lang);
    phones.push(phone);
    await signIn(phone.page, lang, person);
    const tab = phone.page.getByRole('navigation').getByRole('link', { name: say(lang, 'nav.teams') });
    const box = await tab.boundingBox();
    expect(Math.min(box?.width ?? 0, box?.height ?? 0)).toBeGreaterThanOrEqual(48);
    await tab.click();
    await phone.page.getByRole('heading', { name: say(lang, 'teams.title'), level: 1 }).waitFor();
    return phone;
  }

  it('a task from the desk to the phone and back, a position, and a text each way', async () => {
    const desk = await open(centreDoor, DESKTOP, 'en', DUTY_OFFICER);
    const d = desk.page;
    // The bytes are counted as typed: four Chinese characters are 12 of the task's 120.
    await d.locator('textarea[name=what]').fill('搜救三组');
    expect(await d.locator('form [data-bytes]').first().textContent()).toBe(
      say('en', 'teams.bytes', { n: 12, max: 120 }),
    );
    await d.locator('input[name=due]').fill('90');
    await d.getByRole('button', { name: say('en', 'teams.assign.send') }).click();
    const deskTask = d.locator('[data-task]').first();
    await deskTask.waitFor();
    expect(await deskTask.getAttribute('data-status')).toBe('assigned');
    await checkView(d, 'teams-desktop-en-assigned');

    const phone = await open(kitDoor, PHONE, 'zh-CN', LEADER);
    const p = phone.page;
    const phoneTask = p.locator('[data-task]').first();
    await phoneTask.waitFor();
    expect(await phoneTask.textContent()).toContain('搜救三组');
    for (const button of await phoneTask.getByRole('button').all()) {
      const box = await button.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
    }
    await phoneTask.getByRole('button', { name: say('zh-CN', 'teams.step.accepted') }).click();
    await until(
      async () => (await phoneTask.getAttribute('data-status')) === 'accepted',
      10_000,
      'accepted at the phone',
    );
    await phoneTask.getByRole('button', { name: say('zh-CN', 'teams.step.on-scene') }).click();
    // The desk hears each step by its event stream, without a reload.
    await until(
      async () => (await deskTask.getAttribute('data-status')) === 'on-scene',
      15_000,
      'on scene at the desk',
    );
    expect(await deskTask.locator('[data-status-label]').textContent()).toBe(
      say('en', 'teams.status.on-scene'),
    );
    await checkView(p, 'teams-phone-zh-on-scene');

    // The phone's position, from the browser's geolocation, on the desk with its age.
    await phone.context.grantPermissions(['geolocation'], { origin: kitDoor.origin });
    await phone.context.setGeolocation({ latitude: 28.2311, longitude: 112.9402, accuracy: 15 });
    await p.getByRole('button', { name: say('zh-CN', 'teams.position.send') }).click();
    await p.getByText(say('zh-CN', 'teams.position.sent')).waitFor();
    const age = d.locator(`[data-team="${TEAM_KIT}"] [data-member="${LEADER}"] [data-position-age]`);
    await age.waitFor({ timeout: 15_000 });
    expect(await age.textContent()).toContain('± 15 m');
    // …and on the map's positions layer, labelled with who and how long ago.
    await d
      .getByRole('navigation')
      .getByRole('link', { name: say('en', 'nav.map') })
      .click();
    const marker = d.locator(`[data-position="${TEAM_KIT}:${LEADER}"]`);
    await marker.waitFor({ timeout: 15_000 });
    expect(await marker.textContent()).toContain('陈刚');
    await d
      .getByRole('navigation')
      .getByRole('link', { name: say('en', 'nav.teams') })
      .click();

    // A text from the phone: 8 Chinese characters are 24 bytes.
    await p.getByRole('link', { name: say('zh-CN', 'teams.tab.texts'), exact: true }).click();
    await p.locator('textarea[name=text]').fill('桥已冲毁，请绕行');
    expect(await p.locator('[data-bytes]').textContent()).toBe(
      say('zh-CN', 'teams.bytes', { n: 24, max: 160 }),
    );
    await p.getByRole('button', { name: say('zh-CN', 'texts.send'), exact: true }).click();
    const mine = p.locator('[data-text]').first();
    await mine.waitFor();
    await until(
      async () =>
        ['received', 'acknowledged'].includes(
          (await mine.locator('[data-delivery]').getAttribute('data-delivery')) ?? '',
        ),
      15_000,
      'the phone’s text received',
    );
    await checkView(p, 'texts-phone-zh-thread');

    // At the desk: unread, live; opened, answered.
    await d.getByRole('link', { name: say('en', 'teams.tab.texts'), exact: true }).click();
    const conv = d.locator(`[data-conversation="node-${TEAM_KIT}"]`);
    await conv.locator('[data-unread]').waitFor({ timeout: 15_000 });
    expect(await conv.locator('[data-unread]').textContent()).toBe(say('en', 'texts.unread', { n: 1 }));
    await conv.click();
    await d.locator('[data-text]').first().waitFor();
    await d.getByRole('button', { name: say('en', 'texts.reply') }).click();
    await d.locator('textarea[name=text]').fill('收到');
    await d.getByRole('button', { name: say('en', 'texts.send') }).click();
    await until(
      async () => (await d.locator('[data-text]').count()) === 2,
      10_000,
      'the reply in the desk’s thread',
    );
    await checkView(d, 'texts-desktop-en-thread');
    await until(async () => (await p.locator('[data-text]').count()) === 2, 15_000, 'the reply on the phone');
    expect(await p.locator('[data-text]').nth(1).textContent()).toContain('收到');
    for (const x of phones) {
      expect(x.offLoopback).toEqual([]);
      expect(x.pageErrors).toEqual([]);
    }
  }, 120_000);

  it('an SOS from the team’s phone, in the team view, reaches the centre', async () => {
    const phone = await open(kitDoor, PHONE, 'zh-CN', LEADER);
    const p = phone.page;
    const rq = (key: RequestsKey) => areaText({ zh: requestsZhCN, en: requestsEn }, 'zh-CN', key);
    // In the team view itself, above the tasks: no other tab to find in trouble.
    const sos = p.locator('.sos-button');
    await sos.waitFor();
    const box = await sos.boundingBox();
    expect(Math.min(box?.width ?? 0, box?.height ?? 0)).toBeGreaterThanOrEqual(48);
    // One tap arms it and sends nothing; the second sends.
    await sos.click();
    await p.getByText(rq('rq.sos.confirm')).waitFor();
    expect(net.kit.requests?.book.list().filter((r) => r.sos)).toEqual([]);
    await sos.click();
    await p.locator('[data-sos-state]').waitFor();
    await until(
      async () => net.centre.requests?.book.list().some((r) => r.sos && r.node === TEAM_KIT) === true,
      15_000,
      'the team’s SOS at the centre',
    );
    // The phone says the centre has it, live from the stream.
    await until(
      async () => (await p.locator('[data-sos-state]').textContent()) === rq('rq.sos.received'),
      15_000,
      'the phone to say the centre has the SOS',
    );
    await checkView(p, 'teams-phone-zh-sos');
    expect(phone.offLoopback).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
  }, 60_000);
});

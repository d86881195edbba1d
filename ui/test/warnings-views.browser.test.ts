/**
 * The warning views in a real browser (docs/ui.md §Warnings), against the API engineer's real API
 * server with the in-memory warnings service on 127.0.0.1: at a kit, the full-screen alarm for a
 * visitor who is not signed in, its tap-to-arm screen and the siren it then plays, an answer in two
 * taps after signing in on the alarm itself, the alarm closing for that person, and 已转移 N 人 on a
 * keypad from the warning's page; at the centre, the issue form with its preview and CAP, the 叫应
 * board moving live as answers are heard, the 未叫应 list, the record and the CAP, and an update and
 * a cancel. In a phone's viewport in Chinese (real warnings) and a desktop's in English (drills,
 * 演练 on every view). No request leaves loopback; axe-core finds nothing serious; each view is
 * photographed into test-results/ui/. The end-to-end test with whole nodes is
 * warnings.browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIN, VILLAGE } from '../../node/src/http/api-fixtures.js';
import { villageDraft } from '../../node/src/http/warning-test-api.js';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import {
  checkView,
  DESKTOP,
  type Lang,
  openBrowser,
  PHONE,
  type Phone,
  signIn,
  until,
  type Viewport,
} from './browser-kit.js';
import { buildUi } from './build-ui.js';
import { say, startWarningNode, type WarningNode } from './warnings-views-rig.js';

const chromium = needsSystemTool(CHROMIUM);

describe.skipIf(chromium === undefined)('the warning views in Chromium', () => {
  let kit: WarningNode;
  let centre: WarningNode;

  beforeAll(async () => {
    const uiRoot = await buildUi();
    [kit, centre] = await Promise.all([startWarningNode(uiRoot, 'kit'), startWarningNode(uiRoot, 'centre')]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([kit?.stop(), centre?.stop()]);
  });

  async function english(phone: Phone): Promise<void> {
    await phone.page.getByRole('button', { name: say('zh-CN', 'lang.switch') }).click();
    await until(() => phone.page.evaluate(() => document.documentElement.lang === 'en'));
  }

  const cases: Array<[Viewport, Lang]> = [
    [PHONE, 'zh-CN'],
    [DESKTOP, 'en'],
  ];

  for (const [viewport, lang] of cases) {
    const tag = `warnings-${viewport.name}-${lang === 'en' ? 'en' : 'zh'}`;
    const drill = lang === 'en';

    it(`${tag}: the kit's alarm for anyone, armed with a tap, answered in two taps, then 已转移 N 人`, async () => {
      const received = kit.warnings.receive(villageDraft({ exercise: drill }));
      const phone = await openBrowser(chromium as string, viewport);
      const { page } = phone;
      try {
        await page.goto(`${kit.door.origin}/`);
        if (lang === 'en') {
          // The alarm covers the page: the language is set first, as a phone remembers it.
          await page.evaluate(() => localStorage.setItem('fieldnode.lang', 'en'));
          await page.reload();
        }
        const alarm = page.locator(`[data-alarm="${received.id}"]`);
        await alarm.waitFor();
        // The first screen asks for the tap that lets the browser make sound.
        const arm = alarm.getByRole('button', { name: new RegExp(say(lang, 'alarm.arm')) });
        await arm.waitFor();
        expect(await alarm.getAttribute('data-siren')).toBe('off');
        await checkView(phone.page, `${tag}-alarm-arm`);
        await arm.click();
        // The siren runs: the AudioContext the tap unlocked is running, with the kit's pattern.
        await until(async () => (await alarm.getAttribute('data-siren')) === (drill ? 'drill' : 'red'));
        const headline = lang === 'en' ? received.headline.en : received.headline.zh;
        expect((await alarm.locator('#alarm-headline').textContent())?.trim()).toBe(headline);
        expect(await alarm.getByText(say(lang, 'alarm.kitSpeaker')).isVisible()).toBe(true);
        expect(await alarm.locator('[data-drill-badge]').count()).toBe(drill ? 1 : 0);
        await checkView(phone.page, `${tag}-alarm`);

        // Signed out, the alarm offers the sign-in on itself; the flood-responsible signs in there.
        await alarm.getByRole('button', { name: say(lang, 'alarm.signInToAnswer') }).click();
        await alarm.locator('input[name=person]').fill('5');
        await alarm.locator('input[name=pin]').fill(PIN);
        await alarm.locator('form button[type=submit]').click();
        // Two taps: 收到, then its confirmation.
        await alarm.getByRole('button', { name: say(lang, 'answer.ack'), exact: true }).click();
        await checkView(phone.page, `${tag}-alarm-confirm`);
        await alarm.getByRole('button', { name: say(lang, 'answer.ackConfirm') }).click();
        await alarm.waitFor({ state: 'detached' });
        await until(async () => {
          const w = await kit.warnings.get(received.id);
          return w?.here?.persons.find((p) => p.person === 5)?.state === 'acknowledged';
        });
        expect(kit.warnings.alarm()?.unanswered).toEqual([]);

        // The warning's page: who must answer here, and the report of action on a keypad.
        await page.getByRole('link', { name: say(lang, 'nav.warnings'), exact: true }).click();
        await page.locator(`[data-warning="${received.id}"] a`).click();
        await page.locator(`[data-here-person="5"][data-state="acknowledged"]`).waitFor();
        await page.locator('[data-answer-state="sent"]').waitFor();
        if (drill) await page.locator('[data-drill-note]').waitFor();
        await page.getByRole('button', { name: say(lang, 'answer.acted'), exact: true }).click();
        await page.getByRole('button', { name: '1', exact: true }).click();
        await page.getByRole('button', { name: '2', exact: true }).click();
        expect(await page.locator('[data-count]').textContent()).toBe('12');
        await checkView(phone.page, `${tag}-warning-keypad`);
        await page.getByRole('button', { name: say(lang, 'answer.send', { n: 12 }) }).click();
        await page.locator(`[data-here-person="5"][data-state="acted"]`).waitFor();
        const w = await kit.warnings.get(received.id);
        expect(w?.here?.persons.find((p) => p.person === 5)).toMatchObject({ state: 'acted', evacuated: 12 });
        await checkView(phone.page, `${tag}-warning-answered`);

        expect(phone.offLoopback).toEqual([]);
        expect(phone.pageErrors).toEqual([]);
      } finally {
        await phone.close();
      }
    });

    it(`${tag}: the centre issues with a preview, watches the 叫应 board move, updates and cancels`, async () => {
      const phone = await openBrowser(chromium as string, viewport);
      const { page } = phone;
      try {
        await page.goto(`${centre.door.origin}/`);
        if (lang === 'en') await english(phone);
        await signIn(phone.page, lang, 3);
        await page.getByRole('link', { name: say(lang, 'nav.warnings'), exact: true }).click();
        // The warnings view is a chunk of its own, loaded when first opened: on a machine loaded by
        // the whole suite it once took more than playwright's default 30 s (5 s quiet).
        await page.locator('[data-unanswered-list]').waitFor({ timeout: 90_000 });
        await page.getByRole('button', { name: say(lang, 'warn.new') }).click();

        // The form: 暴雨, level I (red follows), the village, the default roles, what to do.
        await page.getByRole('button', { name: say(lang, 'event.11B03'), exact: true }).click();
        await page.getByRole('button', { name: say(lang, 'warn.level.1'), exact: true }).click();
        expect(await page.locator('[data-colour-choice="red"]').getAttribute('aria-pressed')).toBe('true');
        await page.locator(`input[name=areas][value="${VILLAGE}"]`).check();
        await page.locator('textarea[name=instruction]').fill('危险区域人员立即转移');
        await page.locator('input[name=senderName]').fill('某县气象台');
        if (drill) await page.locator('input[name=exercise]').check();
        const preview = page.locator('[data-warning-preview]');
        await preview.waitFor();
        // The bytes and the links the centre would send it on, and how many it calls.
        expect(await preview.locator('[data-preview]').textContent()).toContain('mesh0');
        expect(await preview.locator('[data-preview-calls]').textContent()).toMatch(/\d/);
        await preview.locator('summary').click();
        expect(await preview.locator('[data-cap]').textContent()).toContain('<alert');
        await checkView(phone.page, `${tag}-issue-form`);
        const before = (await centre.warnings.list({ scope: { all: true }, active: false })).length;
        await page.getByRole('button', { name: say(lang, 'wform.submit.issue') }).click();

        // The warning's page, then its board.
        await page.locator('[data-headline]').waitFor();
        const all = await centre.warnings.list({ scope: { all: true }, active: false });
        expect(all.length).toBe(before + 1);
        const issued = all[0];
        if (issued === undefined) throw new Error('nothing issued');
        expect(issued).toMatchObject({
          event: '11B03',
          level: 1,
          colour: 'red',
          areas: [VILLAGE],
          exercise: drill,
        });
        expect(page.url()).toBe(`${centre.door.origin}/warnings/${issued.id}`);
        if (drill) await page.locator('[data-drill-note]').waitFor();
        await checkView(phone.page, `${tag}-issued`);
        await page.getByRole('button', { name: say(lang, 'calls.open') }).click();
        const board = await centre.warnings.calls(issued.id);
        const called = board?.calls.map((c) => c.person) ?? [];
        expect(called).toContain(5);
        await page.locator('[data-call="5"][data-state="sent"]').waitFor();
        if (drill) await page.locator('[data-drill-note]').getByText(say(lang, 'calls.drill')).waitFor();

        // Answers heard at the centre move the board without a reload.
        centre.warnings.hear(issued.id, 5, 'acknowledged');
        await page.locator('[data-call="5"][data-state="acknowledged"]').waitFor();
        centre.warnings.hear(issued.id, 9, 'acted', { evacuated: 7 });
        await page.locator('[data-call="9"][data-state="acted"]').waitFor();
        await page
          .locator('[data-counts]')
          .getByText(say(lang, 'answer.evacuated', { n: 7 }))
          .waitFor();
        await checkView(phone.page, `${tag}-board`);
        const exports = await page.evaluate(async () => {
          const links = [...document.querySelectorAll('a[download]')].map(
            (a) => (a as HTMLAnchorElement).href,
          );
          return Promise.all(
            links.map(async (href) => {
              const r = await fetch(href);
              return { href, status: r.status, head: [...new Uint8Array(await r.arrayBuffer()).slice(0, 5)] };
            }),
          );
        });
        expect(exports.map((e) => e.status)).toEqual([200, 200]);
        // The record opens in Excel (a byte-order mark); the CAP is XML.
        expect(exports[0]?.head.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
        expect(String.fromCharCode(...(exports[1]?.head ?? []))).toBe('<?xml');

        // The county's 未叫应: who is still silent, the answered gone.
        await page.getByRole('link', { name: say(lang, 'nav.warnings'), exact: true }).click();
        const silent = called.filter((p) => p !== 5 && p !== 9);
        for (const p of silent) await page.locator(`[data-unanswered="${issued.id}|${p}"]`).waitFor();
        expect(await page.locator(`[data-unanswered="${issued.id}|5"]`).count()).toBe(0);
        await checkView(phone.page, `${tag}-warnings`);

        // An update, then the cancel, from the warning's page.
        await page.goto(`${centre.door.origin}/warnings/${issued.id}`);
        await page.getByRole('button', { name: say(lang, 'warn.update') }).click();
        await page.locator('textarea[name=instruction]').fill('继续转移，河边勿留人');
        await page.locator('[data-warning-preview]').waitFor();
        await page.getByRole('button', { name: say(lang, 'wform.submit.update') }).click();
        await page.locator('[data-headline]').waitFor();
        const update = (await centre.warnings.list({ scope: { all: true }, active: false }))[0];
        expect(update).toMatchObject({
          action: 'update',
          references: issued.id,
          instruction: '继续转移，河边勿留人',
        });
        expect((await centre.warnings.get(issued.id))?.status).toBe('superseded');
        await page.getByRole('button', { name: say(lang, 'warn.cancel') }).click();
        await page.locator('textarea[name=instruction]').fill('降雨结束');
        await page.getByRole('button', { name: say(lang, 'wform.submit.cancel') }).click();
        await page.locator('[data-headline]').waitFor();
        await until(async () => (await centre.warnings.get(update?.id ?? ''))?.status === 'cancelled');
        await checkView(phone.page, `${tag}-cancelled`);

        expect(phone.offLoopback).toEqual([]);
        expect(phone.pageErrors).toEqual([]);
      } finally {
        await phone.close();
      }
    });
  }
});

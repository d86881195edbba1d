/**
 * A warning end to end in real browsers (docs/ui.md §Warnings; docs/warnings.md): the
 * demonstration county as a newcomer starts it, the real `fieldnode demo` from the built binary in
 * a folder of its own (first-minute-county.ts: whole nodes built by createNode, each serving the
 * built UI and its API on 127.0.0.1, with the demonstration's own timings), and nothing taken from
 * it but what its banner prints: each node's address, who signs in there and their PIN.
 *
 * The duty officer issues a red warning to a village from the centre's page; the village kit's
 * page, open on a phone that is not signed in, fills with the alarm, is armed with one tap and runs
 * the siren; the village's responsible person signs in on the alarm and answers in two taps; the
 * answer crosses the county and appears on the centre's 叫应 board without a reload. The county is
 * a drill county, so every view says 演练: the alarm, the warning's pages, the board and the header.
 * Twice: the kit on a phone in Chinese and the centre on a desktop in English, then the other way
 * round, with 已转移 N 人 on the keypad. No request leaves loopback; axe-core finds nothing serious;
 * each view is photographed into test-results/ui/. `npm test` builds dist/ (the binary and the UI)
 * before vitest runs; FIELDNODE_BIN names another build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../../node/src/link/needs-system-tool.js';
import { CHROMIUM } from '../../node/src/link/system-tool.js';
import type { CallBoardView, PublicWarningView } from '../src/lib/api-types.js';
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
import { type BannerRow, type DemoProcess, startDemo } from './first-minute-county.js';
import { say } from './warnings-views-rig.js';

const chromium = needsSystemTool(CHROMIUM);
/**
 * From the centre's issue to the kit's page, and from the answer to the centre's board: by the
 * demonstration's own timings, the satellite's hold and the mesh, with room for a busy machine.
 */
const CROSSING_MS = 180_000;

describe.skipIf(chromium === undefined)('a warning across the county in Chromium', () => {
  let demo: DemoProcess;

  beforeAll(async () => {
    // The banner comes once every link is up, or after the county's own 60 s wait for them.
    demo = await startDemo(75_000);
  }, 90_000);

  afterAll(async () => {
    if (demo === undefined) return;
    const ended = await demo.stop();
    expect(ended.code, ended.stderr).toBe(0);
  }, 40_000);

  /** The banner's line of the node whose name begins with `name`. */
  const row = (name: string): BannerRow => {
    const found = demo.banner.rows.find((r) => r.name.startsWith(name));
    if (found === undefined) throw new Error(`no line for ${name} in the banner`);
    return found;
  };

  const open = (viewport: Viewport, lang: Lang, url: string): Promise<Phone> =>
    openAt(chromium as string, viewport, url, lang);

  /** The header's 演练 DRILL tag: every node of the county is a drill node. */
  async function saysDrill(phone: Phone, lang: Lang): Promise<void> {
    expect(await phone.page.locator('header .drill-tag').textContent()).toBe(say(lang, 'drill.tag'));
  }

  /** The villages by the name their kit's line begins with, as the roster names them. */
  const rounds: Array<{
    village: string;
    kitView: [Viewport, Lang];
    centreView: [Viewport, Lang];
    moved?: number;
    /** The page the kit's phone has open when the alarm comes, home unless named. */
    kitPage?: string;
  }> = [
    { village: '青龙村', kitView: [PHONE, 'zh-CN'], centreView: [DESKTOP, 'en'] },
    {
      village: '白石村',
      kitView: [DESKTOP, 'en'],
      centreView: [PHONE, 'zh-CN'],
      moved: 23,
      kitPage: '/sign-in',
    },
  ];

  for (const round of rounds) {
    const [kitViewport, kitLang] = round.kitView;
    const [centreViewport, centreLang] = round.centreView;
    const tag = `warnings-e2e-kit-${kitViewport.name}-${kitLang === 'en' ? 'en' : 'zh'}-centre-${centreViewport.name}`;

    it(`${tag}: issued at the centre, the alarm at the kit, answered in two taps, on the board`, async () => {
      const kit = row(round.village);
      const centre = demo.banner.centre;
      const desk = await open(centreViewport, centreLang, centre.url);
      const phone = await open(kitViewport, kitLang, new URL(round.kitPage ?? '/', kit.url).href);
      try {
        // The duty officer signs in at the centre and issues a red rainstorm warning to the village.
        const { page } = desk;
        await signIn(page, centreLang, centre.number, { pin: centre.pin });
        await saysDrill(desk, centreLang);
        await page.getByRole('link', { name: say(centreLang, 'nav.warnings'), exact: true }).click();
        await page.getByRole('button', { name: say(centreLang, 'warn.new') }).click();
        await page.getByRole('button', { name: say(centreLang, 'event.11B03'), exact: true }).click();
        await page.getByRole('button', { name: say(centreLang, 'warn.level.1'), exact: true }).click();
        await page.getByRole('checkbox', { name: round.village, exact: true }).check();
        await page.locator('textarea[name=instruction]').fill('立即转移低洼地区群众');
        await page.locator('input[name=senderName]').fill('演示县气象台');
        // A drill node issues only drills: the box is ticked and cannot be unticked.
        const box = page.locator('input[name=exercise]');
        expect(await box.isChecked()).toBe(true);
        expect(await box.isDisabled()).toBe(true);
        // The centre's own preview: bytes and links, how many it calls, the CAP.
        const preview = page.locator('[data-warning-preview]');
        await preview.waitFor({ timeout: 15_000 });
        expect(await preview.locator('[data-drill-badge]').count()).toBe(1);
        await preview.locator('summary').click();
        expect(await preview.locator('[data-cap]').textContent()).toContain('<status>Exercise</status>');
        await checkView(desk.page, `${tag}-centre-form`);
        await page.getByRole('button', { name: say(centreLang, 'wform.submit.issue') }).click();
        await page.locator('[data-headline]').waitFor();
        const id = new URL(page.url()).pathname.replace('/warnings/', '');
        expect(id).toMatch(/^\d+\/\d+$/);
        await page.locator('[data-drill-note]').waitFor();
        await page.getByRole('button', { name: say(centreLang, 'calls.open') }).click();
        const person = kit.number;
        const call = page.locator(`[data-call="${person}"]`);
        await call.waitFor();
        expect(['sent', 'delivered']).toContain(await call.getAttribute('data-state'));
        await page.locator('[data-drill-note]').getByText(say(centreLang, 'calls.drill')).waitFor();
        await checkView(desk.page, `${tag}-centre-board-sent`);

        // The kit's page, open and not signed in, fills with the alarm when the warning arrives.
        const alarm = phone.page.locator(`[data-alarm="${id}"]`);
        await alarm.waitFor({ timeout: CROSSING_MS });
        await saysDrill(phone, kitLang);
        const arm = alarm.getByRole('button', { name: new RegExp(say(kitLang, 'alarm.arm')) });
        await arm.waitFor();
        await checkView(phone.page, `${tag}-kit-alarm-arm`);
        await arm.click();
        // The siren runs in the browser, with the drill's pattern, as the kit's loudspeaker does.
        await until(async () => (await alarm.getAttribute('data-siren')) === 'drill', 30_000, 'the siren');
        expect(await alarm.locator('[data-drill-badge]').count()).toBe(1);
        const w = (await (
          await fetch(new URL('/api/public/warnings', kit.url))
        ).json()) as PublicWarningView[];
        const headline = w.find((x) => x.id === id)?.headline;
        expect((await alarm.locator('#alarm-headline').textContent())?.trim()).toBe(
          kitLang === 'en' ? headline?.en : headline?.zh,
        );
        await checkView(phone.page, `${tag}-kit-alarm`);

        // The village's responsible person signs in on the alarm and answers in two taps.
        await alarm.getByRole('button', { name: say(kitLang, 'alarm.signInToAnswer') }).click();
        await alarm.locator('input[name=person]').fill(String(person));
        await alarm.locator('input[name=pin]').fill(kit.pin);
        await alarm.locator('form button[type=submit]').click();
        if (round.moved === undefined) {
          await alarm.getByRole('button', { name: say(kitLang, 'answer.ack'), exact: true }).click();
          await alarm.getByRole('button', { name: say(kitLang, 'answer.ackConfirm') }).click();
        } else {
          await alarm.getByRole('button', { name: say(kitLang, 'answer.acted'), exact: true }).click();
          for (const d of String(round.moved))
            await alarm.getByRole('button', { name: d, exact: true }).click();
          await checkView(phone.page, `${tag}-kit-keypad`);
          await alarm.getByRole('button', { name: say(kitLang, 'answer.send', { n: round.moved }) }).click();
        }
        await alarm.waitFor({ state: 'detached' });
        // Signed in on the alarm, the person is home, not left on a sign-in form they no longer need.
        expect(new URL(phone.page.url()).pathname).toBe('/');
        const answered = round.moved === undefined ? 'acknowledged' : 'acted';
        // The warning's page at the kit: the answer as the kit recorded it, 演练 said.
        await phone.page.getByRole('link', { name: say(kitLang, 'nav.warnings'), exact: true }).click();
        await phone.page.locator(`[data-warning="${id}"] a`).click();
        await phone.page.locator(`[data-here-person="${person}"][data-state="${answered}"]`).waitFor();
        await phone.page.locator('[data-drill-note]').waitFor();
        await checkView(phone.page, `${tag}-kit-warning`);

        // The answer crosses the mesh to the centre: its board moves without a reload.
        await page
          .locator(`[data-call="${person}"][data-state="${answered}"]`)
          .waitFor({ timeout: CROSSING_MS });
        if (round.moved !== undefined)
          await page
            .locator('[data-counts]')
            .getByText(say(centreLang, 'answer.evacuated', { n: round.moved }))
            .waitFor();
        await saysDrill(desk, centreLang);
        await checkView(desk.page, `${tag}-centre-board-answered`);
        const board = (await page.evaluate(
          async (path) => (await fetch(path)).json(),
          `/api/warnings/${id}/calls`,
        )) as CallBoardView;
        expect(board.warning).toMatchObject({ id, exercise: true, colour: 'red', level: 1 });
        expect(board.calls.find((c) => c.person === person)?.state).toBe(answered);

        for (const p of [desk, phone]) {
          expect(p.offLoopback).toEqual([]);
          expect(p.pageErrors).toEqual([]);
        }
      } finally {
        await phone.close();
        await desk.close();
      }
    }, 240_000);
  }
});

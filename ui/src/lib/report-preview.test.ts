/**
 * The report form's live preview (report-preview.ts; docs/ui.md §Reports, Before sending): the
 * line it shows in both languages, and that it asks once typing pauses, shows only the answer to
 * the latest draft, hands on the kit's refusal, and shows nothing when the kit does not answer.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { fill } from '../i18n/fill.js';
import { zhCN } from '../i18n/zh-CN.js';
import { ApiFailure } from './api-client.js';
import type { ReportDraftInput, ReportPreview } from './api-types.js';
import { Previewer, type PreviewState, previewLine } from './report-preview.js';

const preview: ReportPreview = {
  bytes: 49,
  links: [
    {
      link: 'mesh0',
      costClass: 'mesh',
      up: true,
      dueNow: true,
      dueAt: 0,
      bytes: 54,
      frames: 1,
      billed: false,
      credits: 0,
    },
    {
      link: 'sat0',
      costClass: 'satellite',
      up: true,
      dueNow: false,
      dueAt: 0,
      bytes: 49,
      frames: 1,
      billed: true,
      credits: 1,
    },
  ],
};
const zh = (k: string, p?: Record<string, string | number>) =>
  fill((zhCN as Record<string, string>)[k] ?? k, p);
const english = (k: string, p?: Record<string, string | number>) =>
  fill((en as Record<string, string>)[k] ?? k, p);

describe('the preview line', () => {
  it('says the bytes, each link by its class, and the satellite’s credits', () => {
    expect(previewLine(preview, zh)).toBe('约 49 字节 · 网状网 mesh0 · 卫星 sat0 1 点（备用）');
    expect(previewLine(preview, english)).toBe(
      'about 49 bytes · mesh mesh0 · satellite sat0 1 credit (fallback)',
    );
  });

  it('says a link is down, and when no route leads anywhere now', () => {
    const down = {
      ...preview,
      links: [{ ...(preview.links[0] as ReportPreview['links'][number]), up: false }],
    };
    expect(previewLine(down, zh)).toBe('约 49 字节 · 网状网 mesh0（未连接）');
    expect(previewLine({ bytes: 49, links: [] }, zh)).toBe(
      '约 49 字节 · 现在没有通往县里的线路：报告先存在本机',
    );
  });
});

/** A previewer on a hand-turned clock, and what it showed. */
function rig(ask: (d: ReportDraftInput) => Promise<ReportPreview>) {
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const shown: PreviewState[] = [];
  const p = new Previewer({
    ask,
    onState: (s) => shown.push(s),
    delayMs: 500,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      (t as { cleared: boolean }).cleared = true;
    },
  });
  const fire = async () => {
    for (const t of timers.filter((x) => !x.cleared)) {
      t.cleared = true;
      t.fn();
    }
    await new Promise((r) => setTimeout(r, 0));
  };
  return { p, timers, shown, fire };
}

const draft = (affected: number): ReportDraftInput => ({
  stage: 'initial',
  hazard: 18,
  indicators: { affected },
});

describe('the previewer', () => {
  it('asks once typing pauses, about the latest draft only', async () => {
    const asked: ReportDraftInput[] = [];
    const { p, timers, shown, fire } = rig(async (d) => {
      asked.push(d);
      return preview;
    });
    p.update(draft(1));
    p.update(draft(12));
    p.update(draft(120));
    expect(timers.map((t) => [t.ms, t.cleared])).toEqual([
      [500, true],
      [500, true],
      [500, false],
    ]);
    await fire();
    expect(asked).toEqual([draft(120)]);
    expect(shown).toEqual([{ kind: 'preview', preview }]);
  });

  it('drops an answer that comes after a newer question, and shows nothing once stopped', async () => {
    let answer: (p: ReportPreview) => void = () => {};
    const { p, shown, fire } = rig(() => new Promise((ok) => (answer = ok)));
    p.update(draft(1));
    await fire();
    p.update(undefined); // the hazard was cleared: nothing to ask
    answer(preview);
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([undefined]);
    p.update(draft(2));
    await fire();
    p.stop();
    answer(preview);
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([undefined]);
  });

  it('hands on the kit’s refusal, and shows nothing when the kit does not answer or fails', async () => {
    const problems = [{ field: 'explanations.affected', code: 'REPORT_EXPLANATION_MISSING', message: 'why' }];
    const failures = [
      new ApiFailure(400, { code: 'REPORT_REJECTED', message: 'no', problems }),
      new ApiFailure(0, { message: 'offline' }, true),
      new ApiFailure(500, { code: 'API_INTERNAL', message: 'fault' }),
      new ApiFailure(404, { code: 'API_NOT_FOUND', message: 'an older kit' }),
    ];
    const { p, shown, fire } = rig(async () => {
      throw failures.shift();
    });
    for (let i = 0; i < 4; i++) {
      p.update(draft(i));
      await fire();
    }
    expect(shown).toEqual([{ kind: 'problems', problems }, undefined, undefined, undefined]);
  });
});

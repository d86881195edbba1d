/**
 * The report form's live preview (docs/ui.md §Reports, Before sending; docs/api.md §Before
 * sending: the preview): while the person types, the kit is asked what the report would put on
 * air, a moment after the last change, and the form shows it in one line:
 * "约 49 字节 · 网状网 mesh0 · 卫星 sat0 1 点（备用）".
 *
 * It never stands in the way: an answer that comes after a newer question is dropped, a kit that
 * does not answer, or answers with a fault, leaves the line empty, and sending does not wait for
 * it. A refusal (400 REPORT_REJECTED) is the kit's own check of the draft, by the county's rules:
 * its problems are handed to the form, which opens the reason boxes the kit asks for.
 *
 * The warning form's preview (docs/ui.md §Warnings) is asked the same way: the previewer is made for
 * the draft and the answer it carries, and the line of bytes, links and credits is the same.
 */
import { ApiFailure } from './api-client.js';
import type { ApiProblem, ReportDraftInput, ReportPreview } from './api-types.js';

/** What the form shows under its preview: the kit's answer, its refusal, or nothing. */
export type PreviewState<P = ReportPreview> =
  | { kind: 'preview'; preview: P }
  | { kind: 'problems'; problems: ApiProblem[] }
  | undefined;

type Translate = (key: PreviewKey, params?: Readonly<Record<string, string | number>>) => string;

/** The catalogue keys the line is made of. */
export type PreviewKey =
  | 'preview.bytes'
  | 'preview.noRoute'
  | 'preview.class.ip'
  | 'preview.class.mesh'
  | 'preview.class.satellite'
  | 'preview.linkCredit'
  | 'preview.linkCredits'
  | 'preview.fallback'
  | 'preview.down';

/** The preview in one line: bytes, then each link by its class, with its credits where billed. */
export function previewLine(p: Pick<ReportPreview, 'bytes' | 'links'>, t: Translate): string {
  const parts = [t('preview.bytes', { n: p.bytes })];
  if (p.links.length === 0) parts.push(t('preview.noRoute'));
  for (const l of p.links) {
    let part = `${t(`preview.class.${l.costClass}`)} ${l.link}`;
    if (l.billed)
      part += ` ${t(l.credits === 1 ? 'preview.linkCredit' : 'preview.linkCredits', { n: l.credits })}`;
    if (!l.dueNow) part += t('preview.fallback');
    if (!l.up) part += t('preview.down');
    parts.push(part);
  }
  return parts.join(' · ');
}

export interface PreviewerOptions<D = ReportDraftInput, P = ReportPreview> {
  /** Asks the kit (ApiClient.dryRun of POST /api/reports/preview, or /api/warnings/preview). */
  ask: (draft: D) => Promise<P>;
  /** Told each new state; `undefined` clears the line. */
  onState: (state: PreviewState<P>) => void;
  /** How long after the last change the kit is asked, ms. Default 600. */
  delayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** Asks the kit for the preview of the latest draft, once typing pauses. */
export class Previewer<D = ReportDraftInput, P = ReportPreview> {
  readonly #o: PreviewerOptions<D, P>;
  #timer: unknown;
  /** Counts questions: only the answer to the latest one is shown. */
  #asked = 0;
  #stopped = false;

  constructor(options: PreviewerOptions<D, P>) {
    this.#o = options;
  }

  /** The draft changed: ask about it after the pause; `undefined` (nothing to ask yet) clears the line. */
  update(draft: D | undefined): void {
    this.#cancel();
    const asked = ++this.#asked;
    if (draft === undefined) {
      this.#o.onState(undefined);
      return;
    }
    const set = this.#o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#timer = set(() => void this.#ask(draft, asked), this.#o.delayMs ?? 600);
  }

  /** No more questions, and no more answers shown (the form is gone). */
  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  async #ask(draft: D, asked: number): Promise<void> {
    this.#timer = undefined;
    let state: PreviewState<P>;
    try {
      state = { kind: 'preview', preview: await this.#o.ask(draft) };
    } catch (err) {
      // The kit's refusal is worth showing; anything else (no answer, a fault) shows nothing.
      state =
        err instanceof ApiFailure && err.status === 400 && err.problems.length > 0
          ? { kind: 'problems', problems: err.problems }
          : undefined;
    }
    if (!this.#stopped && asked === this.#asked) this.#o.onState(state);
  }

  #cancel(): void {
    if (this.#timer === undefined) return;
    (this.#o.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>)))(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * What the kit says aloud between sirens (docs/warnings.md §The alarm at the kit): the warning's
 * headline as people hear it announced (docs/domain.md §Warnings: 某县气象台发布暴雨红色预警), in
 * Mandarin for the loudspeaker, with the English beside it for logs and the record.
 *
 * - The headline is rendered by warning-headline.ts, the one place its words are kept; only its
 *   bracket, written for the eye ("[II级/严重]"), is turned into words for the ear ("，二级，严重"):
 *   a speech engine reads brackets and Roman numerals out as symbols and letters.
 * - The first cycle of an alarm also says what to do (the warning's instruction); later cycles
 *   repeat the headline alone, so the siren comes back soon.
 * - A warning that sounds until answered says how to stop it: a responsible person confirms at
 *   the kit.
 * - A drill says so before and after (演练), every cycle, so that no one who hears half of it
 *   takes it for real; a re-alarm asked by the centre begins with 再次提醒.
 */
import type { WarningBody } from '../../../wire/kinds/warning.js';
import { renderWarningHeadline } from '../../warning-headline.js';

export interface Announcement {
  /** What is spoken (Mandarin). */
  zh: string;
  /** The same for logs and the record. */
  en: string;
  /** Announced as a drill. */
  drill: boolean;
}

export type AnnouncedFields = Pick<
  WarningBody,
  'action' | 'event' | 'level' | 'colour' | 'senderName' | 'instruction'
>;

export interface AnnouncementOptions {
  drill: boolean;
  /** The first cycle of this sounding: the instruction is read too. */
  first: boolean;
  /** It sounds until a person answers: say how to stop it. */
  needsAnswer: boolean;
  /** The centre asked for it again (a re-alarm). */
  again?: boolean;
}

const SPOKEN_LEVEL: Readonly<Record<string, string>> = { I: '一', II: '二', III: '三', IV: '四' };
const DRILL_OPEN = '演练！演练！';
const DRILL_CLOSE = '这是演练，不是真实预警。';
const CONFIRM = '请责任人到应急点确认收到。';
const AGAIN = '再次提醒！';

/** The headline for the ear: "[II级/严重]" becomes "，二级，严重". */
export function spokenHeadline(
  fields: Pick<AnnouncedFields, 'action' | 'event' | 'level' | 'colour' | 'senderName'>,
): string {
  return renderWarningHeadline(fields).zh.replace(
    /\[(I|II|III|IV)级\/([^\]]*)\]$/,
    (_, roman: string, severity: string) => `，${SPOKEN_LEVEL[roman]}级，${severity}`,
  );
}

export function announcementOf(w: AnnouncedFields, o: AnnouncementOptions): Announcement {
  const instruction = o.first ? sentence(w.instruction) : '';
  const zh = [
    o.drill ? DRILL_OPEN : '',
    o.again ? AGAIN : '',
    `${spokenHeadline(w)}。`,
    instruction,
    o.needsAnswer ? CONFIRM : '',
    o.drill ? DRILL_CLOSE : '',
  ].join('');
  const headline = renderWarningHeadline(w).en;
  const en = [
    o.drill ? 'Drill. ' : '',
    o.again ? 'Again: ' : '',
    `${headline}.`,
    o.needsAnswer ? ' A responsible person must confirm at the kit.' : '',
    o.drill ? ' This is a drill, not a real warning.' : '',
  ].join('');
  return { zh, en, drill: o.drill };
}

/** Typed text ends as a sentence, so the next words are not run into it. */
function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  return /[。！？!?.]$/.test(t) ? t : `${t}。`;
}

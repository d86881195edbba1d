/**
 * The headline a kit shows for a warning, rendered from its fields (docs/domain.md §Warnings: the
 * convention "某县气象台发布暴雨橙色预警[II级/严重]"), in Chinese first and English second.
 * Nothing of it travels on the wire: the office, event, colour and level do.
 */
import { eventName } from '../wire/codes/event-codes.js';
import type { WarningBody } from '../wire/kinds/warning.js';

const LEVELS = [
  { roman: '', zh: '', en: '' },
  { roman: 'I', zh: '特别严重', en: 'extremely severe' },
  { roman: 'II', zh: '严重', en: 'severe' },
  { roman: 'III', zh: '较重', en: 'moderate' },
  { roman: 'IV', zh: '一般', en: 'minor' },
] as const;

const COLOURS: Record<WarningBody['colour'], { zh: string; en: string }> = {
  none: { zh: '', en: '' },
  red: { zh: '红色', en: 'red' },
  orange: { zh: '橙色', en: 'orange' },
  yellow: { zh: '黄色', en: 'yellow' },
  blue: { zh: '蓝色', en: 'blue' },
};

export interface WarningHeadline {
  zh: string;
  en: string;
}

type HeadlineFields = Pick<WarningBody, 'action' | 'event' | 'level' | 'colour' | 'senderName'>;

export function renderWarningHeadline(w: HeadlineFields): WarningHeadline {
  const event = eventName(w.event) ?? { zh: `事件${w.event}`, en: `event ${w.event}` };
  const colour = COLOURS[w.colour];
  const level = LEVELS[w.level] ?? LEVELS[0];
  const sender = { zh: w.senderName ?? '', en: w.senderName ? `${w.senderName}: ` : '' };
  const verb = { issue: ['发布', 'issued'], update: ['更新', 'updated'], cancel: ['解除', 'cancelled'] }[
    w.action
  ];
  const levelZh = level.roman ? `[${level.roman}级/${level.zh}]` : '';
  const levelEn = level.roman ? ` (level ${level.roman}, ${level.en})` : '';
  const colourEn = colour.en ? `${colour.en} ` : '';
  return {
    zh: `${sender.zh}${verb[0]}${event.zh}${colour.zh}预警${levelZh}`,
    en: `${sender.en}${colourEn}${event.en} warning ${verb[1]}${levelEn}`,
  };
}

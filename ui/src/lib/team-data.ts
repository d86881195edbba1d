/**
 * What the teams and texts views compute (docs/teams.md §The views): the bytes a text costs on
 * air as it is typed (UTF-8: a Chinese character is 3), the age of a position in one unit, the
 * order of the task board, and merging a task or text the event stream brought into the list shown.
 * Plain functions, tested without a browser.
 */
import type { ApiEvent } from './api-types.js';

type TeamEventOf<K extends string> = Extract<ApiEvent, { type: 'team' } & Record<K, unknown>>;
export type TaskView = TeamEventOf<'task'>['task'];
export type PositionView = TeamEventOf<'position'>['position'];
export type TextView = TeamEventOf<'text'>['text'];

export const MAX_TEXT_BYTES = 160;
export const MAX_TASK_BYTES = 120;

const encoder = new TextEncoder();

/** UTF-8 bytes of a text, as the wire counts them. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** An age in its largest whole unit. */
export function ageOf(ms: number): { unit: 's' | 'm' | 'h'; n: number } {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return { unit: 's', n: s };
  if (s < 3600) return { unit: 'm', n: Math.floor(s / 60) };
  return { unit: 'h', n: Math.floor(s / 3600) };
}

const ORDER: Readonly<Record<string, number>> = {
  assigned: 0,
  accepted: 1,
  'on-scene': 2,
  done: 3,
  declined: 4,
};

/** The task board's order: open tasks first, those furthest behind first, then the latest. */
export function boardOrder(tasks: readonly TaskView[]): TaskView[] {
  return [...tasks].sort(
    (a, b) =>
      Number(b.open) - Number(a.open) ||
      (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) ||
      b.assignedAt - a.assignedAt,
  );
}

/** The list with `item` in place of the one of the same id, or added. */
export function mergeById<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  return i < 0 ? [...list, item] : list.map((x, j) => (j === i ? item : x));
}

type DeliveryView = Extract<ApiEvent, { type: 'message' }>['message'];

/**
 * How far a text sent here got: the delivery view the stream last brought for it (its `message`
 * events), else what the text said when it was read. The furthest step reached, and whether it
 * expired or failed.
 */
export function deliveryOf(text: TextView, live: DeliveryView | undefined): TextView['delivery'] {
  if (live === undefined) return text.delivery;
  const reached = live.steps.filter((s) => s.reached).map((s) => s.step);
  const step = reached.at(-1) ?? 'queued';
  return { step, expired: live.outcome === 'expired' || live.outcome === 'failed' };
}

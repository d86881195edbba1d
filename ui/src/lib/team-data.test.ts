/**
 * What the teams and texts views compute (team-data.ts, team-map.ts; docs/teams.md §The views):
 * the bytes a text costs as the wire counts them, ages in one unit, the board's order, a text's
 * delivery moved on by the stream, and the map's position markers.
 */
import { describe, expect, it } from 'vitest';
import {
  ageOf,
  boardOrder,
  deliveryOf,
  mergeById,
  type TaskView,
  type TextView,
  utf8Bytes,
} from './team-data.js';
import { positionMarkers } from './team-map.js';

const task = (id: string, status: string, open: boolean, assignedAt: number) =>
  ({ id, status, open, assignedAt }) as unknown as TaskView;

describe('team data', () => {
  it('counts UTF-8 bytes: 3 a Chinese character, 1 an ASCII one, 4 an emoji', () => {
    expect(utf8Bytes('桥已冲毁，请绕行')).toBe(24);
    expect(utf8Bytes('20分钟到')).toBe(11);
    expect(utf8Bytes('🚒')).toBe(4);
  });

  it('says an age in its largest whole unit', () => {
    expect(ageOf(59_999)).toEqual({ unit: 's', n: 59 });
    expect(ageOf(60_000)).toEqual({ unit: 'm', n: 1 });
    expect(ageOf(7_300_000)).toEqual({ unit: 'h', n: 2 });
    expect(ageOf(-5)).toEqual({ unit: 's', n: 0 });
  });

  it('orders the board: open first, furthest behind first, then the latest', () => {
    const order = boardOrder([
      task('a', 'done', false, 5),
      task('b', 'on-scene', true, 4),
      task('c', 'assigned', true, 1),
      task('d', 'assigned', true, 3),
    ]).map((t) => t.id);
    expect(order).toEqual(['d', 'c', 'b', 'a']);
    expect(mergeById([task('a', 'assigned', true, 1)], task('a', 'done', false, 1))[0]?.status).toBe('done');
  });

  it('moves a text’s delivery on from the stream’s delivery view', () => {
    const text = { id: '5003/1', delivery: { step: 'sent', expired: false } } as unknown as TextView;
    expect(deliveryOf(text, undefined)).toEqual({ step: 'sent', expired: false });
    const live = {
      outcome: 'open',
      steps: [
        { step: 'queued', reached: true },
        { step: 'sent', reached: true },
        { step: 'custody', reached: false },
        { step: 'received', reached: true },
        { step: 'acknowledged', reached: false },
      ],
    } as unknown as Parameters<typeof deliveryOf>[1];
    expect(deliveryOf(text, live)).toEqual({ step: 'received', expired: false });
  });

  it('makes a marker per member, the freshest drawn last', () => {
    const at = 1_000_000;
    const markers = positionMarkers(
      {
        positions: [
          {
            node: 5003,
            person: 6,
            name: '陈刚',
            point: { lat: 28.2, lon: 112.9 },
            at: at - 1000,
            exercise: false,
          },
          { node: 5003, person: 7, point: { lat: 28.3, lon: 112.8 }, at: at - 60_000, exercise: false },
        ],
      },
      at,
    );
    expect(markers.map((m) => [m.key, m.who, m.ageMs])).toEqual([
      ['5003:7', '7', 60_000],
      ['5003:6', '陈刚', 1000],
    ]);
  });
});

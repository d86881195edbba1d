/**
 * What a request is from its messages (request-state.ts, docs/requests.md §The state of a request):
 * the same view whatever order store-and-forward brought the messages in (fast-check), partial
 * commits that add up per item, a request that only moves forward and ends at the first end, a
 * refused reply that changes nothing, and a reply that arrived before its request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Q1 } from '../../wire/fixtures/request-messages.js';
import type { RequestReplyBody } from '../../wire/kinds/request.js';
import type { RequestEntry } from './request.js';
import { requestState } from './request-state.js';

const KIT = 2107;
const CENTRE = 1;
const VILLAGE = 430121101201;
const ID = `${KIT}/330`;
const T0 = 1_784_000_000;
const options = { kitArea: (node: number) => (node === KIT ? VILLAGE : undefined) };

function asked(priority = 1): RequestEntry {
  return {
    kind: 'request',
    id: ID,
    origin: KIT,
    seq: 330,
    createdAt: T0,
    priority,
    exercise: false,
    receivedAt: T0 * 1000,
    body: Q1.body,
  };
}

function reply(
  origin: number,
  seq: number,
  at: number,
  status: RequestReplyBody['status'],
  extra: Partial<RequestReplyBody> = {},
  refused?: string,
): RequestEntry {
  return {
    kind: 'request-reply',
    id: `${origin}/${seq}`,
    origin,
    seq,
    createdAt: T0 + at,
    priority: 1,
    exercise: false,
    receivedAt: (T0 + at) * 1000,
    body: { request: { origin: KIT, seq: 330 }, status, person: origin === CENTRE ? 9 : 1, ...extra },
    ...(refused === undefined ? {} : { refused }),
  };
}

const life = (): RequestEntry[] => [
  asked(),
  reply(CENTRE, 60, 600, 'committed', { items: [{ item: 1, quantity: 30 }], eta: T0 + 7200 }),
  reply(CENTRE, 61, 900, 'committed', {
    items: [
      { item: 1, quantity: 20 },
      { item: 3, quantity: 10 },
    ],
  }),
  reply(CENTRE, 62, 1200, 'dispatched', { eta: T0 + 9000 }),
  reply(KIT, 331, 8000, 'arrived'),
];

describe('the state of a request', () => {
  it('is the same whatever order the messages came in', () => {
    const all = [...life(), reply(KIT, 332, 9000, 'released'), reply(CENTRE, 63, 9000, 'declined')];
    const expected = requestState(ID, all, options);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (order) => {
        expect(requestState(ID, order, options)).toEqual(expected);
      }),
    );
    // Released and declined in the same second, of the same rank: the centre's (origin 1) comes
    // first in chain order and stands, at every node alike.
    expect(expected?.status).toBe('declined');
  });

  it('adds partial commits up per item and keeps the latest ETA', () => {
    const r = requestState(ID, life(), options);
    expect(r).toMatchObject({
      status: 'arrived',
      area: VILLAGE,
      committed: [
        { item: 1, quantity: 50 },
        { item: 3, quantity: 10 },
      ],
      eta: (T0 + 9000) * 1000,
      answeredAt: (T0 + 600) * 1000,
      answeredBy: 9,
    });
  });

  it('commits what was asked when a commit names no items', () => {
    const r = requestState(ID, [asked(), reply(CENTRE, 60, 60, 'committed')], options);
    expect(r?.committed).toEqual(asked().body.items);
  });

  it('moves only forward, and a refused reply changes nothing', () => {
    const r = requestState(
      ID,
      [
        asked(),
        reply(CENTRE, 60, 60, 'dispatched'),
        reply(CENTRE, 61, 120, 'committed', { items: [{ item: 1, quantity: 5 }] }),
        reply(4001, 1, 180, 'released', {}, 'node 4001 answered a request of node 2107'),
      ],
      options,
    );
    expect(r?.status).toBe('dispatched');
    expect(r?.committed).toEqual([{ item: 1, quantity: 5 }]);
    expect(r?.steps.at(-1)?.refused).toContain('4001');
  });

  it('is an SOS when the request went at P0, and shows a reply that came before it', () => {
    expect(requestState(ID, [asked(0)], options)?.sos).toBe(true);
    const early = requestState(ID, [reply(CENTRE, 60, 60, 'committed')], options);
    expect(early).toMatchObject({ opened: false, status: 'committed', area: VILLAGE });
  });
});

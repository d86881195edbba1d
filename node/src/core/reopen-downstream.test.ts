/**
 * A relayed broadcast asked for again from upstream (reopen-downstream.ts; docs/store-and-
 * forward.md §Broadcasts asked for again): only the hop it first came from, a known neighbour on
 * the same link, reopens it; reopens are spaced by the floor and the link's wait and capped; a
 * warning superseded on its thread here, or whose thread cannot be known here, is not put back.
 * Times are the injected `now`, never the wall clock.
 */
import { expect, it } from 'vitest';
import { createFakeLinkPair, createFakeMedium } from '../link/fake-link.js';
import { addEvent, type MessageMeta } from '../store/records.js';
import type { MessageOf } from '../wire/message.js';
import type { PrevHop } from './confirmations.js';
import type { CoreLink } from './core-types.js';
import { newMeta } from './new-meta.js';
import {
  isThreadHead,
  MAX_REOPENS,
  REOPEN_FLOOR_MS,
  reopenDownstream,
  withThreadHead,
} from './reopen-downstream.js';

const CENTRE = 1;
const MESH_WAIT_MS = 20_000;
const T0 = 1_800_000_000_000;
const VILLAGE = 430121101201;

const medium = createFakeMedium();
const [ip, sbd] = createFakeLinkPair({ ids: ['ip@G', 'sbd@G'], from: ['C', 'S'] });
const links: CoreLink[] = [
  { link: ip, costClass: 'ip', neighbours: { C: CENTRE } },
  { link: sbd, costClass: 'satellite', neighbours: { S: CENTRE } },
  {
    link: medium.attach({ id: 'mesh', from: 'GM', capabilities: { confirmationWaitMs: MESH_WAIT_MS } }),
    costClass: 'mesh',
    neighbours: {},
  },
];

function warning(seq: number, action: 'issue' | 'update' | 'cancel' = 'issue', root?: number) {
  const createdAt = T0 / 1000 + seq;
  return {
    kind: 'warning',
    origin: CENTRE,
    seq,
    createdAt,
    clockUntrusted: false,
    priority: 0,
    lifetimeMin: 360,
    dest: { to: 'area', area: VILLAGE },
    flags: [],
    body: {
      action,
      issuer: 3,
      event: '11B03',
      level: 1,
      colour: 'red',
      areas: [VILLAGE],
      roles: [4],
      onset: createdAt,
      expires: createdAt + 6 * 3600,
      instruction: 'x',
      ...(root !== undefined ? { references: { origin: CENTRE, seq: root } } : {}),
    },
  } as MessageOf<'warning'>;
}

/** A warning relayed here from the centre over IP, repeated twice on the mesh at T0, ended. */
function relayed(seq = 10): MessageMeta {
  const m = warning(seq);
  const meta = newMeta(
    { ...m, kindCode: 2 },
    { local: false, forMe: false, receipt: false, broadcastRepeats: 2 },
  );
  meta.prevHop = { link: 'ip@G', from: 'C', node: CENTRE };
  meta.expiresAt = T0 / 1000 + 6 * 3600;
  meta.attempts = { mesh: 2 };
  meta.out = {};
  meta.done = true;
  addEvent(meta, { at: T0, state: meta.state, link: 'mesh' });
  meta.state = 'sent';
  addEvent(meta, { at: T0, state: 'sent', link: 'mesh' });
  return meta;
}

const fromCentre: PrevHop = { link: 'ip@G', from: 'C', node: CENTRE };
const ask = (now: number, from = fromCentre) => ({ from, threadHead: true, now });

it('reopens for the hop it came from, once the mesh wait has passed', () => {
  const meta = relayed();
  expect(reopenDownstream(meta, ask(T0 + MESH_WAIT_MS - 1), links)).toBeUndefined();
  const again = reopenDownstream(meta, ask(T0 + MESH_WAIT_MS), links);
  expect(again?.out).toEqual({ mesh: T0 + MESH_WAIT_MS });
  expect(again?.reopens).toEqual({ count: 1, lastAt: T0 + MESH_WAIT_MS });
});

it('reopens nothing for a copy from another sender, another link or an unknown address', () => {
  const meta = relayed();
  const later = T0 + 10 * REOPEN_FLOOR_MS;
  // The centre's late copy over the satellite: the same node, but not the hop it came from.
  expect(
    reopenDownstream(meta, ask(later, { link: 'sbd@G', from: 'S', node: CENTRE }), links),
  ).toBeUndefined();
  // A replay sent to the IP port from an address no neighbour has.
  expect(
    reopenDownstream(meta, ask(later, { link: 'ip@G', from: '203.0.113.9:5000' }), links),
  ).toBeUndefined();
  // Another known neighbour on the same link.
  expect(reopenDownstream(meta, ask(later, { link: 'ip@G', from: 'X', node: 3002 }), links)).toBeUndefined();
});

it('spaces reopens by the floor, not only the mesh wait, and stops at the cap', () => {
  let meta = relayed();
  let now = T0 + MESH_WAIT_MS;
  const times: number[] = [];
  // Asked every mesh wait (as a replayed frame every 20 s would) for far longer than the cap allows.
  for (let i = 0; i < 200; i++, now += MESH_WAIT_MS) {
    const again = reopenDownstream(meta, ask(now), links);
    if (!again) continue;
    times.push(now);
    // Its send on the mesh, done.
    addEvent(again, { at: now, state: 'sent', link: 'mesh' });
    again.out = {};
    again.done = true;
    meta = again;
  }
  expect(times).toHaveLength(MAX_REOPENS);
  for (let i = 1; i < times.length; i++)
    expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(REOPEN_FLOOR_MS);
  expect(meta.reopens?.count).toBe(MAX_REOPENS);
});

it('does not reopen a warning that is not the head of its thread here', () => {
  expect(
    reopenDownstream(relayed(), { ...ask(T0 + REOPEN_FLOOR_MS), threadHead: false }, links),
  ).toBeUndefined();
});

it('takes a warning for its thread’s head only while no later one of its thread is held here', () => {
  const root = relayed(10);
  const issue = warning(10);
  const update = warning(11, 'update', 10);
  const cancel = warning(12, 'cancel', 10);
  expect(isThreadHead(issue, root)).toBe(true);
  const updated = withThreadHead(root, update);
  expect(updated?.threadHead).toEqual({ origin: CENTRE, seq: 11, createdAt: update.createdAt });
  expect(isThreadHead(issue, updated)).toBe(false);
  expect(isThreadHead(update, updated)).toBe(true);
  const cancelled = withThreadHead(updated as MessageMeta, cancel) as MessageMeta;
  expect(isThreadHead(issue, cancelled)).toBe(false);
  expect(isThreadHead(update, cancelled)).toBe(false);
  expect(isThreadHead(cancel, cancelled)).toBe(true);
  // The update arriving late changes nothing: the cancel stays the head.
  expect(withThreadHead(cancelled, update)).toBeUndefined();
  // A later warning whose first one is not held here: its thread cannot be known.
  expect(isThreadHead(update, undefined)).toBe(false);
});

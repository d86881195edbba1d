import { describe, expect, it } from 'vitest';
import type { LinkCapabilities } from '../link/link.js';
import { bearerPreference } from './bearer-preference.js';
import { type CostClass, RoutingTable } from './routing-table.js';

/** Two satellite bearers as they declare themselves: Iridium billed per 50 bytes, BeiDou a card
 * with a 60 s interval between sends and no bill, its confirmation slower. */
const IRIDIUM: LinkCapabilities = {
  maxSendBytes: 340,
  maxReceiveBytes: 270,
  billing: { unitBytes: 50, minUnits: 1 },
  minSendIntervalMs: 0,
  confirmationWaitMs: 3_600_000,
  sharedMedium: false,
};
const BEIDOU: LinkCapabilities = {
  maxSendBytes: 78,
  maxReceiveBytes: 78,
  minSendIntervalMs: 60_000,
  confirmationWaitMs: 7_200_000,
  sharedMedium: false,
};
const caps: Record<string, LinkCapabilities> = { sbd0: IRIDIUM, bd0: BEIDOU };
const classes: Record<string, CostClass> = { sbd0: 'satellite', bd0: 'satellite', mesh0: 'mesh' };

const opts = (priority: 0 | 1 | 2 | 3) => ({
  priority,
  createdAtMs: 0,
  now: 0,
  latencyBoundMs: [0, 0, 0, 0] as const,
  linkClass: (l: string) => classes[l],
  isCentre: (n: number) => n === 1,
  preference: (l: string, p: 0 | 1 | 2 | 3) => bearerPreference(caps[l] as LinkCapabilities, p),
});

const chosenLinks = (t: RoutingTable, p: 0 | 1 | 2 | 3) =>
  t.choose({ to: 'centre' }, opts(p)).map((c) => c.link);

describe('two bearers of one cost class', () => {
  it('sends life safety and reports on the bearer that confirms soonest, routine traffic on the free one', () => {
    const t = new RoutingTable([
      { target: { to: 'centre' }, link: 'bd0', cost: 0, source: 'config' },
      { target: { to: 'centre' }, link: 'sbd0', cost: 0, source: 'config' },
    ]);
    expect(chosenLinks(t, 0)).toEqual(['sbd0']);
    expect(chosenLinks(t, 1)).toEqual(['sbd0']);
    expect(chosenLinks(t, 2)).toEqual(['bd0']);
    expect(chosenLinks(t, 3)).toEqual(['bd0']);
  });

  it('lets configuration decide first: route cost, then the priorities a route carries', () => {
    const byCost = new RoutingTable([
      { target: { to: 'centre' }, link: 'bd0', cost: 0, source: 'config' },
      { target: { to: 'centre' }, link: 'sbd0', cost: 5, source: 'config' },
    ]);
    expect(chosenLinks(byCost, 0)).toEqual(['bd0']);
    const split = new RoutingTable([
      { target: { to: 'centre' }, link: 'bd0', cost: 0, source: 'config', priorities: [0] },
      { target: { to: 'centre' }, link: 'sbd0', cost: 0, source: 'config', priorities: [1, 2, 3] },
    ]);
    expect(chosenLinks(split, 0)).toEqual(['bd0']);
    expect(chosenLinks(split, 3)).toEqual(['sbd0']);
    const none = new RoutingTable([
      { target: { to: 'centre' }, link: 'sbd0', cost: 0, source: 'config', priorities: [0, 1] },
    ]);
    expect(chosenLinks(none, 2)).toEqual([]);
  });

  it('keeps one route per class: the mesh first, one satellite bearer as the fallback', () => {
    const t = new RoutingTable([
      { target: { to: 'centre' }, link: 'mesh0', nextHop: 'G', cost: 0, source: 'config' },
      { target: { to: 'centre' }, link: 'bd0', cost: 0, source: 'config' },
      { target: { to: 'centre' }, link: 'sbd0', cost: 0, source: 'config' },
    ]);
    caps.mesh0 = { ...BEIDOU, minSendIntervalMs: 0, confirmationWaitMs: 50_000, sharedMedium: true };
    expect(chosenLinks(t, 0)).toEqual(['mesh0', 'sbd0']);
    expect(chosenLinks(t, 3)).toEqual(['mesh0', 'bd0']);
  });
});

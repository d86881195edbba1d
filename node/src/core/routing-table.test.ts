import { describe, expect, it } from 'vitest';
import { type CostClass, RoutingTable } from './routing-table.js';

const classes: Record<string, CostClass> = { ip0: 'ip', mesh0: 'mesh', sbd0: 'satellite' };
const opts = (now: number, priority: 0 | 1 | 2 | 3 = 1) => ({
  priority,
  createdAtMs: 1000,
  now,
  latencyBoundMs: [300_000, 1_800_000, 7_200_000, 86_400_000] as const,
  linkClass: (l: string) => classes[l],
  isCentre: (n: number) => n === 1,
});

describe('RoutingTable', () => {
  const table = new RoutingTable([
    { target: { to: 'centre' }, link: 'mesh0', nextHop: 'G', cost: 0, source: 'config' },
    { target: { to: 'centre' }, link: 'sbd0', cost: 0, source: 'config' },
  ]);

  it('sends on the cheapest class now and holds the satellite until the latency bound', () => {
    expect(table.choose({ to: 'centre' }, opts(5000, 0))).toEqual([
      { link: 'mesh0', nextHop: 'G', dueAt: 5000 },
      { link: 'sbd0', dueAt: 1000 + 300_000 },
    ]);
    expect(table.choose({ to: 'node', node: 1 }, opts(5000, 3))[1]).toEqual({
      link: 'sbd0',
      dueAt: 1000 + 86_400_000,
    });
  });

  it('uses the satellite at once when nothing cheaper leads there', () => {
    const satOnly = new RoutingTable([{ target: { to: 'centre' }, link: 'sbd0', cost: 0, source: 'config' }]);
    expect(satOnly.choose({ to: 'centre' }, opts(5000))).toEqual([{ link: 'sbd0', dueAt: 5000 }]);
  });

  it('has no route for an unknown node, and learns one from traffic without overriding configuration', () => {
    const t = new RoutingTable([
      { target: { to: 'node', node: 7 }, link: 'ip0', nextHop: 'A', cost: 0, source: 'config' },
    ]);
    expect(t.choose({ to: 'node', node: 9 }, opts(0))).toEqual([]);
    t.learnReverse(9, 'mesh0', 'K9', 10_000);
    t.learnReverse(7, 'mesh0', 'K7', 10_000);
    expect(t.choose({ to: 'node', node: 9 }, opts(0))).toEqual([{ link: 'mesh0', nextHop: 'K9', dueAt: 0 }]);
    expect(t.choose({ to: 'node', node: 7 }, opts(0))).toEqual([{ link: 'ip0', nextHop: 'A', dueAt: 0 }]);
    t.forgetExpired(10_001);
    expect(t.choose({ to: 'node', node: 9 }, opts(0))).toEqual([]);
  });

  it('reports whether a beacon changed the paths, not when it only refreshed them', () => {
    const t = new RoutingTable();
    const route = { target: { to: 'centre' as const }, link: 'mesh0', nextHop: 'G', cost: 2 };
    expect(t.learn(3001, [{ ...route, expiresAt: 100 }])).toBe(true);
    expect(t.learn(3001, [{ ...route, expiresAt: 200 }])).toBe(false);
    expect(t.learn(3001, [{ ...route, cost: 3, expiresAt: 300 }])).toBe(true);
  });

  it('never chooses a learnt route past its time, even before it is forgotten; learning it again is news', () => {
    const t = new RoutingTable();
    const route = { target: { to: 'node' as const, node: 9 }, link: 'mesh0', nextHop: 'K9', cost: 1 };
    t.learn(3001, [{ ...route, expiresAt: 10_000 }], 0);
    expect(t.choose({ to: 'node', node: 9 }, opts(9_999))).toHaveLength(1);
    expect(t.choose({ to: 'node', node: 9 }, opts(10_000))).toEqual([]);
    expect(t.learn(3001, [{ ...route, expiresAt: 20_000 }], 10_000)).toBe(true);
    expect(t.choose({ to: 'node', node: 9 }, opts(10_000))).toHaveLength(1);
  });

  it('floods a broadcast on every matching link, and matches areas by prefix', () => {
    const t = new RoutingTable([
      { target: { to: 'all' }, link: 'mesh0', cost: 0, source: 'config' },
      { target: { to: 'area', area: 430121 }, link: 'ip0', cost: 0, source: 'config' },
    ]);
    expect(
      t
        .choose({ to: 'area', area: 430121101 }, opts(0))
        .map((c) => c.link)
        .sort(),
    ).toEqual(['ip0', 'mesh0']);
    expect(t.choose({ to: 'area', area: 440000 }, opts(0)).map((c) => c.link)).toEqual(['mesh0']);
  });

  it('matches areas as divisions, not as text: a province route carries a county in it', () => {
    // 440000 is 广东 in the 6-digit form; as text it is no prefix of 440103 (a county in it).
    const t = new RoutingTable([
      { target: { to: 'area', area: 440000 }, link: 'ip0', cost: 0, source: 'config' },
    ]);
    expect(t.choose({ to: 'area', area: 440103 }, opts(0)).map((c) => c.link)).toEqual(['ip0']);
    expect(t.choose({ to: 'area', area: 440103101 }, opts(0)).map((c) => c.link)).toEqual(['ip0']);
    expect(t.choose({ to: 'area', area: 450103 }, opts(0))).toEqual([]);
  });
});

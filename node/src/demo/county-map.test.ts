/**
 * The demonstration county's map (docs/demo-county.md §The map; docs/map.md §Configuring it):
 * every node's configuration carries the same `map:` section, which passes the daemon's checks,
 * outlines every area of the county, and puts each point inside the outline of its area.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Position } from '../config/map-section.js';
import { DEMO_TIMINGS, nodeConfig } from './county-configs.js';
import { DEMO_AREAS, DEMO_NODES, planOf } from './county-plan.js';
import { DemoPaths } from './demo-paths.js';

const identities = new Map(DEMO_NODES.map((n) => [n.id, Buffer.alloc(32, n.id % 251).toString('base64')]));

function mapOf(node: (typeof DEMO_NODES)[number]) {
  const raw = nodeConfig(node, {
    paths: new DemoPaths('/srv/county'),
    web: {
      host: '127.0.0.1',
      ports: new Map(DEMO_NODES.map((n) => [n.id, 8100 + n.webOffset])),
      lanAddresses: [],
    },
    identities,
    issuerPublicKey: Buffer.alloc(32, 7).toString('base64'),
    mesh: {
      via: 'tcp',
      address: (id) => ({ host: '127.0.0.1', tcp_port: 40_000 + (id % 1000) }),
      radioId: (id) => `!${(planOf(id).radio as number).toString(16)}`,
      close: async () => {},
    },
    uplink: { kind: 'udp', centrePort: 42_000, gatewayPort: 42_001 },
    timings: DEMO_TIMINGS,
  });
  return parseConfig(raw, { baseDir: '/srv/county/nodes', env: {} }).map;
}

/** Whether `p` lies inside the closed ring `ring` (even-odd rule). */
function inside(p: Position, ring: ReadonlyArray<Position>): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

describe('the county’s map', () => {
  it('is the same at every node, outlines every area, and places each point in its area', () => {
    const maps = DEMO_NODES.map(mapOf);
    for (const m of maps) expect(m).toEqual(maps[0]);
    const map = maps[0];
    expect(map?.tiles).toBeUndefined();
    const outlined = new Set(map?.areas.map((a) => a.code));
    for (const area of DEMO_AREAS) expect(outlined, `area ${area.code} ${area.name}`).toContain(area.code);
    expect(map?.points.length).toBeGreaterThan(0);
    for (const point of map?.points ?? []) {
      const outline = map?.areas.find((a) => a.code === point.area)?.polygons[0]?.[0];
      expect(outline, point.name).toBeDefined();
      expect(inside(point.at, outline ?? []), `${point.name} inside area ${point.area}`).toBe(true);
    }
  });
});

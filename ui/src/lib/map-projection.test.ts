/**
 * Where things go on the map (map-projection.ts, docs/map.md §Drawing it): Web Mercator as tile
 * sets are cut (a tile's corner lands on the world unit a tile server puts it at), a position and
 * back, a zoom that keeps the point under the finger, a fitted view that shows all it was given,
 * and the tiles that cover a view and no more. And the map's layers (map-layers.ts): a warned area
 * takes its gravest colour; the list puts open, grave, new hazards first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hazardsInOrder, warnedAreas } from './map-layers.js';
import {
  fitBounds,
  fromWorld,
  labelPoint,
  panBy,
  screenToWorld,
  TILE_SIZE,
  tilesFor,
  toWorld,
  WORLD_ZOOM,
  worldToScreen,
  zoomAround,
} from './map-projection.js';

const WORLD = TILE_SIZE * 2 ** WORLD_ZOOM;
const CHANGSHA: [number, number] = [112.9402, 28.2311];

describe('the projection', () => {
  it('puts a position where Web Mercator tiles put it', () => {
    expect(toWorld([-180, 85.05112878])[0]).toBeCloseTo(0, 6);
    expect(toWorld([0, 0])).toEqual([WORLD / 2, WORLD / 2]);
    // Changsha lies in tile 13/6666/3425 of the XYZ scheme (the slippy-map formula:
    // x = ⌊(lon + 180) / 360 · 2^z⌋, y = ⌊(1 − asinh(tan φ) / π) / 2 · 2^z⌋).
    const [x, y] = toWorld(CHANGSHA);
    const tile = WORLD / 2 ** 13;
    expect([Math.floor(x / tile), Math.floor(y / tile)]).toEqual([6666, 3425]);
  });

  it('gives a position back from its world point', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -179.9, max: 179.9, noNaN: true }),
        fc.double({ min: -85, max: 85, noNaN: true }),
        (lon, lat) => {
          const [l, p] = fromWorld(toWorld([lon, lat]));
          expect(l).toBeCloseTo(lon, 9);
          expect(p).toBeCloseTo(lat, 9);
        },
      ),
    );
  });

  it('keeps the point under the finger where it is through a zoom and back through a pan', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.25, max: 4, noNaN: true }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 700 }),
        (factor, sx, sy) => {
          const v = { width: 400, height: 700, centre: toWorld(CHANGSHA), zoom: 12 };
          const before = screenToWorld(v, sx, sy);
          const after = worldToScreen(zoomAround(v, factor, sx, sy, 0, 22), before);
          expect(after[0]).toBeCloseTo(sx, 6);
          expect(after[1]).toBeCloseTo(sy, 6);
          const moved = panBy(v, 30, -20);
          const p = worldToScreen(moved, before);
          expect(p[0]).toBeCloseTo(sx + 30, 6);
          expect(p[1]).toBeCloseTo(sy - 20, 6);
        },
      ),
    );
  });

  it('fits bounds whole inside the view, with its padding', () => {
    const bounds = [113.78, 28.18, 114.1, 28.45] as const;
    const v = fitBounds(bounds, 360, 480, 24);
    for (const corner of [
      [bounds[0], bounds[1]],
      [bounds[2], bounds[3]],
    ] as const) {
      const [sx, sy] = worldToScreen(v, toWorld(corner));
      expect(sx).toBeGreaterThanOrEqual(24 - 1e-6);
      expect(sx).toBeLessThanOrEqual(360 - 24 + 1e-6);
      expect(sy).toBeGreaterThanOrEqual(24 - 1e-6);
      expect(sy).toBeLessThanOrEqual(480 - 24 + 1e-6);
    }
    expect(
      labelPoint([
        [113, 28],
        [114, 28],
        [114, 29],
      ]),
    ).toEqual([113.5, 28.5]);
  });

  it('asks for the tiles that cover the view at the nearest zoom the file has, inside its bounds', () => {
    const v = { width: 512, height: 512, centre: toWorld(CHANGSHA), zoom: 13.2 };
    const tiles = tilesFor(v, { minZoom: 0, maxZoom: 12 });
    expect(new Set(tiles.map((t) => t.z))).toEqual(new Set([12]));
    // Every screen corner lies in one of them.
    for (const [sx, sy] of [
      [0, 0],
      [511, 0],
      [0, 511],
      [511, 511],
    ] as const) {
      const [wx, wy] = screenToWorld(v, sx, sy);
      expect(tiles.some((t) => wx >= t.wx && wx < t.wx + t.size && wy >= t.wy && wy < t.wy + t.size)).toBe(
        true,
      );
    }
    // Outside the file's bounds there is nothing to ask for.
    expect(tilesFor(v, { minZoom: 0, maxZoom: 12, bounds: [100, 20, 101, 21] })).toEqual([]);
    expect(
      tilesFor({ ...v, zoom: 19, width: 100_000, height: 100_000 }, { minZoom: 0, maxZoom: 19 }).length,
    ).toBeLessThanOrEqual(64);
  });
});

describe('the layers', () => {
  it('tints an area in the gravest colour of the warnings in force that name it', () => {
    const tint = warnedAreas([
      { colour: 'blue', areas: [{ code: 1 }, { code: 2 }] },
      { colour: 'orange', areas: [{ code: 2 }] },
      { colour: 'yellow', areas: [{ code: 2 }] },
    ]);
    expect([...tint]).toEqual([
      [1, 'blue'],
      [2, 'orange'],
    ]);
  });

  it('lists open hazards first, the gravest, then the newest', () => {
    const h = (id: string, severity: string, status: string, reportedAt: number) =>
      ({ id, severity, status, reportedAt, hazard: 160, exercise: false }) as never;
    const order = hazardsInOrder([
      h('a', 'critical', 'closed', 9),
      h('b', 'low', 'verified', 8),
      h('c', 'high', 'reported', 1),
      h('d', 'high', 'verified', 5),
    ]).map((x: { id: string }) => x.id);
    expect(order).toEqual(['d', 'c', 'b', 'a']);
  });
});

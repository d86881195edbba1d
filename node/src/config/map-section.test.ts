/**
 * The `map:` section (map-section.ts, docs/map.md §Configuring it): outlines as simple rings or
 * GeoJSON, closed for the reader; every mistake at once by path, a swapped pair named as such;
 * MBTiles refused with the command that converts it; the example file read as documented.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';
import { EMPTY_MAP } from './map-section.js';

const NODE = { node: { id: 2107, role: 'kit' }, keys: {} };
const load = (map: unknown) => parseConfig({ ...NODE, map }, { baseDir: '/srv/county' });

function problemsOf(map: unknown): string {
  try {
    load(map);
  } catch (err) {
    if (isKitError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  return '';
}

const SQUARE = [
  [112.93, 28.22],
  [112.95, 28.22],
  [112.95, 28.24],
  [112.93, 28.24],
];

describe('the map section', () => {
  it('is an empty map when the file says nothing', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).map).toEqual(EMPTY_MAP);
  });

  it('closes a simple ring, reads a GeoJSON MultiPolygon with its hole, and resolves the tile file', () => {
    const map = load({
      areas: {
        430121101201: { outline: SQUARE },
        430121101202: {
          geojson: {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [112.95, 28.22],
                  [112.99, 28.22],
                  [112.99, 28.26],
                  [112.95, 28.22],
                ],
                [
                  [112.97, 28.23],
                  [112.98, 28.23],
                  [112.98, 28.24],
                  [112.97, 28.23],
                ],
              ],
              [
                [
                  [113.0, 28.3],
                  [113.01, 28.3],
                  [113.01, 28.31],
                  [113.0, 28.3],
                ],
              ],
            ],
          },
        },
      },
      points: [{ name: '青山村小学安置点', kind: 'shelter', at: [112.94, 28.23], area: 430121101201 }],
      tiles: { file: 'county.pmtiles', attribution: '© tiles' },
    }).map;
    const village = map.areas.find((a) => a.code === 430121101201);
    expect(village?.polygons).toEqual([[[...SQUARE, SQUARE[0]]]]);
    const other = map.areas.find((a) => a.code === 430121101202);
    expect(other?.polygons).toHaveLength(2);
    expect(other?.polygons[0]).toHaveLength(2);
    expect(map.points).toEqual([
      { name: '青山村小学安置点', kind: 'shelter', at: [112.94, 28.23], area: 430121101201 },
    ]);
    expect(map.tiles).toEqual({ file: '/srv/county/county.pmtiles', attribution: '© tiles' });
  });

  it('reports every mistake at once, by path, and names a swapped pair', () => {
    const message = problemsOf({
      areas: {
        '4301': { outline: SQUARE },
        430121101201: {
          outline: [
            [28.22, 112.93],
            [28.22, 112.95],
            [28.24, 112.95],
          ],
        },
        430121101202: {
          outline: [
            [112.93, 28.22],
            [112.95, 28.22],
          ],
        },
        430121101203: {
          geojson: {
            type: 'Polygon',
            coordinates: [
              [
                [112.9, 28.2],
                [113, 28.2],
                [113, 28.3],
              ],
            ],
          },
        },
        430121101204: { geojson: { type: 'Point', coordinates: [112.9, 28.2] } },
      },
      points: [{ name: '点'.repeat(17), kind: 'bunker', at: [112.9] }],
      zoom: 3,
    });
    expect(message).toContain('map.areas.4301: not an area code');
    expect(message).toContain('latitude and longitude swapped?');
    expect(message).toContain('a ring needs at least three different positions');
    expect(message).toContain('a GeoJSON ring ends where it starts');
    expect(message).toContain('expected Polygon or MultiPolygon, found "Point"');
    expect(message).toContain('at most 48 bytes');
    expect(message).toContain('bunker');
    expect(message).toContain('expected [lon, lat]');
    expect(message).toContain('map.zoom: unknown key');
  });

  it('refuses MBTiles with the command that converts it, and too many vertices with how to simplify', () => {
    expect(problemsOf({ tiles: { file: 'county.mbtiles' } })).toContain(
      'pmtiles convert county.mbtiles county.pmtiles',
    );
    const ring = Array.from({ length: 20_001 }, (_, i) => [112 + i / 1e5, 28 + (i % 2) / 100]);
    expect(problemsOf({ areas: { 430121101201: { outline: ring } } })).toContain('simplify the outlines');
  });

  it('is in the example file as documented', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const config = await loadConfig(example, { env: {}, cwd: '/tmp' });
    expect(config.map.areas.map((a) => a.code)).toEqual([430121101201]);
    expect(config.map.points[0]?.kind).toBe('shelter');
    expect(config.map.tiles).toBeUndefined();
  });
});

/**
 * The `map:` section of the configuration file (docs/map.md §Configuring it; docs/conventions.md
 * §Configuration): the outlines of the county's areas and the points worth showing, from which
 * the node's own code draws the map with no tiles at all, and optionally a tile file the operator
 * provides.
 *
 * - `areas`: by area code (as `roster.areas` names them), an `outline`, a simple ring of
 *   `[lon, lat]` pairs (closed for you), or a `geojson` Polygon or MultiPolygon geometry as RFC 7946
 *   writes it (rings closed, the first the outer one, the rest holes).
 * - `points`: named points: shelters, kits, landmarks, each `at: [lon, lat]`.
 * - `tiles`: a PMTiles file of raster tiles (PNG, JPEG or WebP) served by the node. MBTiles, a
 *   SQLite file, is refused with the command that converts it: this version reads no SQLite.
 *
 * Every coordinate is WGS-84 longitude then latitude, as GeoJSON and the wire are (docs/domain.md
 * §Maps). A Chinese commercial map's coordinates (GCJ-02) are off by hundreds of metres: converted
 * ones must not be pasted here. Every problem is reported at once, by path.
 */
import { extname, resolve } from 'node:path';
import { readAreaCode } from '../domain/roster/area-code.js';
import { isPlainObject, type Section } from './reader.js';

export const MAP_KEYS = ['areas', 'points', 'tiles'];
export const MAP_POINT_KINDS = ['shelter', 'kit', 'landmark', 'other'] as const;
export type MapPointKind = (typeof MAP_POINT_KINDS)[number];

/** A position: longitude, latitude (WGS-84). */
export type Position = readonly [number, number];
/** Rings of one polygon: the outer ring, then its holes; each ring closed. */
export type Polygon = ReadonlyArray<ReadonlyArray<Position>>;

export interface MapArea {
  readonly code: number;
  /** One or more polygons (a village in two parts is two). */
  readonly polygons: readonly Polygon[];
}

export interface MapPoint {
  readonly name: string;
  readonly kind: MapPointKind;
  readonly at: Position;
  readonly area?: number;
}

export interface MapTiles {
  /** Absolute path of the PMTiles file. */
  readonly file: string;
  /** Whose tiles they are, shown on the map (a licence may require it). */
  readonly attribution?: string;
}

export interface MapConfig {
  readonly areas: readonly MapArea[];
  readonly points: readonly MapPoint[];
  readonly tiles?: MapTiles;
}

export const EMPTY_MAP: MapConfig = { areas: [], points: [] };

/** Vertices in all outlines at most: the map goes to phones over the kit's Wi-Fi in one reply. */
export const MAX_MAP_VERTICES = 20_000;
const MAX_POINTS = 500;
const MAX_NAME_BYTES = 48;

export function parseMapSection(s: Section, baseDir: string): MapConfig {
  const areas: MapArea[] = [];
  let vertices = 0;
  for (const { name, value, path } of s.entries('areas')) {
    const code = readAreaCode(name);
    const item = s.item(value, path, ['outline', 'geojson']);
    if (!code.ok) {
      s.problem(`areas.${name}`, `not an area code: ${code.problem}`);
      continue;
    }
    if (areas.some((a) => a.code === code.code)) {
      s.problem(`areas.${name}`, `area ${code.code} has an outline already (written another way)`);
      continue;
    }
    const polygons = outlineOf(item);
    if (polygons === undefined) continue;
    vertices += polygons.flat(2).length;
    areas.push({ code: code.code, polygons });
  }
  if (vertices > MAX_MAP_VERTICES)
    s.problem(
      'areas',
      `${vertices} vertices in all; at most ${MAX_MAP_VERTICES}: simplify the outlines (e.g. mapshaper -simplify 10%)`,
    );
  const points: MapPoint[] = [];
  const items = s.list('points');
  if (items.length > MAX_POINTS) s.problem('points', `${items.length} points; at most ${MAX_POINTS}`);
  for (const { value, path } of items.slice(0, MAX_POINTS)) {
    const item = s.item(value, path, ['name', 'kind', 'at', 'area']);
    const name = item.str('name', true, (v) =>
      Buffer.byteLength(v) > MAX_NAME_BYTES
        ? `at most ${MAX_NAME_BYTES} bytes (16 Chinese characters)`
        : undefined,
    );
    const kind = item.oneOf('kind', MAP_POINT_KINDS) ?? 'other';
    if (!item.has('at')) item.problem('at', 'required: [lon, lat]');
    const at = item.has('at') ? positionOf(item, 'at', item.get('at')) : undefined;
    let area: number | undefined;
    if (item.has('area')) {
      const read = readAreaCode(item.get('area'));
      if (read.ok) area = read.code;
      else item.problem('area', `not an area code: ${read.problem}`);
    }
    if (name !== undefined && at !== undefined)
      points.push({ name, kind, at, ...(area === undefined ? {} : { area }) });
  }
  const tiles = parseTiles(s.section('tiles', ['file', 'attribution']), baseDir);
  return { areas, points, ...(tiles === undefined ? {} : { tiles }) };
}

function parseTiles(t: Section, baseDir: string): MapTiles | undefined {
  const file = t.str('file');
  const attribution = t.str('attribution', undefined, (v) =>
    v.length > 200 ? 'at most 200 characters' : undefined,
  );
  if (file === undefined) {
    if (attribution !== undefined) t.problem('file', 'required with attribution: the PMTiles file');
    return undefined;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.mbtiles') {
    t.problem(
      'file',
      'MBTiles (SQLite) is not read by this version: convert it with `pmtiles convert county.mbtiles county.pmtiles` and name the .pmtiles file',
    );
    return undefined;
  }
  if (ext !== '.pmtiles') {
    t.problem('file', 'a PMTiles file, ending in .pmtiles');
    return undefined;
  }
  return { file: resolve(baseDir, file), ...(attribution === undefined ? {} : { attribution }) };
}

/** The polygons of an area entry: its `outline` ring or its `geojson` geometry. */
function outlineOf(item: Section): Polygon[] | undefined {
  const hasOutline = item.has('outline');
  const hasGeo = item.has('geojson');
  if (hasOutline === hasGeo) {
    item.problem(
      'outline',
      hasOutline
        ? 'outline or geojson, not both'
        : 'required: an outline ([[lon, lat], …]) or a geojson geometry',
    );
    return undefined;
  }
  if (hasOutline) {
    const ring = ringOf(item, 'outline', item.get('outline'), true);
    return ring === undefined ? undefined : [[ring]];
  }
  const g = item.get('geojson');
  if (!isPlainObject(g)) {
    item.problem('geojson', 'expected a GeoJSON geometry: { type: Polygon, coordinates: [[[lon, lat], …]] }');
    return undefined;
  }
  const extra = Object.keys(g).filter((k) => k !== 'type' && k !== 'coordinates' && k !== 'bbox');
  for (const k of extra) item.problem(`geojson.${k}`, 'unknown key (a geometry has type and coordinates)');
  if (g.type === 'Polygon') {
    const polygon = polygonOf(item, 'geojson.coordinates', g.coordinates);
    return polygon === undefined ? undefined : [polygon];
  }
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
      item.problem('geojson.coordinates', 'expected a list of polygons');
      return undefined;
    }
    const polygons = g.coordinates.map((p, i) => polygonOf(item, `geojson.coordinates[${i}]`, p));
    return polygons.every((p) => p !== undefined) ? (polygons as Polygon[]) : undefined;
  }
  item.problem('geojson.type', `expected Polygon or MultiPolygon, found ${JSON.stringify(g.type)}`);
  return undefined;
}

function polygonOf(item: Section, path: string, value: unknown): Polygon | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    item.problem(path, 'expected a list of rings: the outer ring, then any holes');
    return undefined;
  }
  const rings = value.map((r, i) => ringOf(item, `${path}[${i}]`, r, false));
  return rings.every((r) => r !== undefined) ? (rings as Position[][]) : undefined;
}

/** A ring of at least three distinct positions, closed; `close` closes an open one (a simple outline). */
function ringOf(item: Section, path: string, value: unknown, close: boolean): Position[] | undefined {
  if (!Array.isArray(value)) {
    item.problem(path, 'expected a list of [lon, lat] positions');
    return undefined;
  }
  const ring: Position[] = [];
  let ok = true;
  value.forEach((p, i) => {
    const pos = positionOf(item, `${path}[${i}]`, p);
    if (pos === undefined) ok = false;
    else ring.push(pos);
  });
  if (!ok) return undefined;
  const first = ring[0];
  const last = ring.at(-1);
  const closed =
    first !== undefined &&
    last !== undefined &&
    ring.length > 1 &&
    first[0] === last[0] &&
    first[1] === last[1];
  if (!closed) {
    if (!close) {
      item.problem(path, 'a GeoJSON ring ends where it starts (RFC 7946 §3.1.6)');
      return undefined;
    }
    if (first !== undefined) ring.push(first);
  }
  const distinct = new Set(ring.map((p) => `${p[0]},${p[1]}`)).size;
  if (distinct < 3) {
    item.problem(path, 'a ring needs at least three different positions');
    return undefined;
  }
  return ring;
}

export function positionOf(item: Section, path: string, value: unknown): Position | undefined {
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    value.length > 3 ||
    typeof value[0] !== 'number' ||
    typeof value[1] !== 'number'
  ) {
    item.problem(path, 'expected [lon, lat]: two numbers, longitude first');
    return undefined;
  }
  const [lon, lat] = value as [number, number];
  if (!(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90)) {
    item.problem(
      path,
      `[${lon}, ${lat}] is off the earth: longitude −180 to 180 first, then latitude −90 to 90${
        lat >= -180 && lat <= 180 && lon >= -90 && lon <= 90 ? ' (latitude and longitude swapped?)' : ''
      }`,
    );
    return undefined;
  }
  return [lon, lat];
}

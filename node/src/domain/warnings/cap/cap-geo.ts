/**
 * CAP's shapes (docs/cap.md §4 Areas): a point is "lat,lon" in WGS-84 decimal degrees, latitude
 * first; a polygon is four or more points, the last repeating the first; a circle is a point, a
 * space and a radius in kilometres. And the one circle the wire can carry, made to enclose several
 * shapes.
 */
import type { GeoPoint } from '../../../wire/field-codecs.js';

export interface GeoCircle {
  centre: GeoPoint;
  radiusM: number;
}

export type GeoReading<T> = { ok: true; value: T } | { ok: false; problem: string };

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** Mean Earth radius (IUGG), metres: distances are great-circle on this sphere. */
const EARTH_RADIUS_M = 6_371_008.8;

export function parsePoint(text: string): GeoReading<GeoPoint> {
  const parts = text.split(',');
  const [lat, lon] = parts;
  if (
    parts.length !== 2 ||
    lat === undefined ||
    lon === undefined ||
    !DECIMAL.test(lat) ||
    !DECIMAL.test(lon)
  )
    return { ok: false, problem: `${show(text)} is not a point "lat,lon" in decimal degrees` };
  const point = { lat: Number(lat), lon: Number(lon) };
  if (!(point.lat >= -90 && point.lat <= 90))
    return { ok: false, problem: `latitude ${lat} is outside -90..90 (CAP writes latitude first)` };
  if (!(point.lon >= -180 && point.lon <= 180))
    return { ok: false, problem: `longitude ${lon} is outside -180..180` };
  return { ok: true, value: point };
}

/** A closed polygon of at least four points (docs/cap.md §4 Areas). */
export function parsePolygon(text: string): GeoReading<GeoPoint[]> {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (tokens.length < 4)
    return {
      ok: false,
      problem: `a polygon needs at least 4 points, the last repeating the first; it has ${tokens.length}`,
    };
  const points: GeoPoint[] = [];
  for (const [i, token] of tokens.entries()) {
    const p = parsePoint(token);
    if (!p.ok) return { ok: false, problem: `point ${i + 1}: ${p.problem}` };
    points.push(p.value);
  }
  const first = points[0] as GeoPoint;
  const last = points[points.length - 1] as GeoPoint;
  if (first.lat !== last.lat || first.lon !== last.lon)
    return {
      ok: false,
      problem: `the polygon is not closed: its last point ${tokens[tokens.length - 1]} must repeat its first ${tokens[0]}`,
    };
  return { ok: true, value: points };
}

export function parseCircle(text: string): GeoReading<GeoCircle> {
  const tokens = text.trim().split(/\s+/);
  const [point, radius] = tokens;
  if (tokens.length !== 2 || point === undefined || radius === undefined)
    return { ok: false, problem: `${show(text)} is not a circle "lat,lon radius-km"` };
  const p = parsePoint(point);
  if (!p.ok) return p;
  if (!DECIMAL.test(radius) || Number(radius) < 0)
    return { ok: false, problem: `radius ${show(radius)} is not a distance in kilometres` };
  return { ok: true, value: { centre: p.value, radiusM: kilometresToMetres(radius) } };
}

/**
 * "5.0005" km → 5001 m: whole metres, rounded up so that a circle never shrinks, computed on the
 * digits so that "5.001" is 5001 and not 5000.999….
 */
function kilometresToMetres(km: string): number {
  const [whole = '', fraction = ''] = km.replace(/^\+/, '').split('.');
  const metres = Number(whole || '0') * 1000 + Number(fraction.slice(0, 3).padEnd(3, '0'));
  return /[1-9]/.test(fraction.slice(3)) ? metres + 1 : metres;
}

/** "28.1,102.2": at most 6 decimals, the wire's precision, never in exponent form. */
export function formatPoint(p: GeoPoint): string {
  return `${decimal(p.lat, 6)},${decimal(p.lon, 6)}`;
}

/** "28.1,102.2 5": the radius in kilometres to the metre. */
export function formatCircle(c: GeoCircle): string {
  return `${formatPoint(c.centre)} ${decimal(c.radiusM / 1000, 3)}`;
}

function decimal(x: number, places: number): string {
  const fixed = x.toFixed(places);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Great-circle distance in metres. */
export function distanceM(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A circle that encloses every given circle (a polygon's corners are circles of radius 0): centred
 * on the middle of their bounding box, its radius the farthest reach from there, rounded up to the
 * metre, plus the few metres the wire's point grid may move the centre (docs/wire-format.md §3.3).
 * A disc on the sphere smaller than a hemisphere is convex, so it holds a polygon whose corners it
 * holds. Not the smallest such circle: enough that nobody inside a shape is left out.
 */
export function enclosingCircle(circles: readonly GeoCircle[]): GeoCircle {
  const first = circles[0];
  if (first === undefined) throw new RangeError('no shapes to enclose');
  if (circles.length === 1) return first;
  let minLat = 90;
  let maxLat = -90;
  let minLon = 180;
  let maxLon = -180;
  for (const { centre } of circles) {
    minLat = Math.min(minLat, centre.lat);
    maxLat = Math.max(maxLat, centre.lat);
    minLon = Math.min(minLon, centre.lon);
    maxLon = Math.max(maxLon, centre.lon);
  }
  const centre = { lat: round6((minLat + maxLat) / 2), lon: round6((minLon + maxLon) / 2) };
  let reach = 0;
  for (const c of circles) reach = Math.max(reach, distanceM(centre, c.centre) + c.radiusM);
  return { centre, radiusM: Math.ceil(reach) + GRID_MARGIN_M };
}

/** Half the diagonal of a cell of the wire's point grid, rounded up: 1.2 m by 2.4 m at the equator. */
const GRID_MARGIN_M = 2;

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

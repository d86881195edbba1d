/**
 * Where things go on the map (docs/map.md §Drawing it): Web Mercator, as every tile set is cut, so
 * that an operator's tiles (docs/map.md §Tiles) lie exactly under the outlines. Pure arithmetic, no
 * DOM: positions in, numbers out.
 *
 * - A position is `[lon, lat]`, WGS-84 (docs/domain.md §Maps).
 * - "World" units are pixels of the whole world at zoom 0 (256 wide), times 2^WORLD_ZOOM, so a
 *   county's outline has coordinates in the thousands: the SVG keeps its paths in these units and
 *   pans and zooms them with one transform, rather than projecting every vertex again per frame.
 * - A view is the map's size on screen, the world point at its centre and a fractional zoom.
 */

export const TILE_SIZE = 256;
/** World units are pixels at this zoom: a village of a few km spans hundreds of units. */
export const WORLD_ZOOM = 14;
const WORLD = TILE_SIZE * 2 ** WORLD_ZOOM;
/** Web Mercator stops short of the poles. */
const MAX_LAT = 85.05112878;

export type LonLat = readonly [number, number];
export type Point = readonly [number, number];

export interface MapViewport {
  width: number;
  height: number;
  /** The world point at the centre of the screen. */
  centre: Point;
  zoom: number;
}

/** A position in world units. */
export function toWorld([lon, lat]: LonLat): Point {
  const φ = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  const x = ((lon + 180) / 360) * WORLD;
  const y = ((1 - Math.log(Math.tan(φ) + 1 / Math.cos(φ)) / Math.PI) / 2) * WORLD;
  return [x, y];
}

/** The position of a world point. */
export function fromWorld([x, y]: Point): LonLat {
  const lon = (x / WORLD) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / WORLD;
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n));
  return [lon, lat];
}

/** How many screen pixels one world unit is at `zoom`. */
export function scaleAt(zoom: number): number {
  return 2 ** (zoom - WORLD_ZOOM);
}

/** The view that shows `bounds` (west, south, east, north) whole in `width` × `height`, with `padding` px around. */
export function fitBounds(
  bounds: readonly [number, number, number, number],
  width: number,
  height: number,
  padding = 24,
  maxZoom = 17,
): MapViewport {
  const [w, s, e, n] = bounds;
  const a = toWorld([w, n]);
  const b = toWorld([e, s]);
  const spanX = Math.max(b[0] - a[0], 1e-6);
  const spanY = Math.max(b[1] - a[1], 1e-6);
  const fit = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY);
  const zoom = Math.min(maxZoom, WORLD_ZOOM + Math.log2(Math.max(fit, 1e-9)));
  return { width, height, centre: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], zoom };
}

/** Screen pixels of a world point. */
export function worldToScreen(v: MapViewport, [x, y]: Point): Point {
  const k = scaleAt(v.zoom);
  return [(x - v.centre[0]) * k + v.width / 2, (y - v.centre[1]) * k + v.height / 2];
}

/** The world point under screen pixel (sx, sy). */
export function screenToWorld(v: MapViewport, sx: number, sy: number): Point {
  const k = scaleAt(v.zoom);
  return [(sx - v.width / 2) / k + v.centre[0], (sy - v.height / 2) / k + v.centre[1]];
}

/** The SVG transform that draws world units into `v`. */
export function worldTransform(v: MapViewport): string {
  const k = scaleAt(v.zoom);
  return `translate(${round(v.width / 2 - v.centre[0] * k)} ${round(v.height / 2 - v.centre[1] * k)}) scale(${k})`;
}

/** Zooms by `factor`, keeping the world point under (sx, sy) where it is on screen. */
export function zoomAround(
  v: MapViewport,
  factor: number,
  sx: number,
  sy: number,
  min = 3,
  max = 19,
): MapViewport {
  const zoom = Math.max(min, Math.min(max, v.zoom + Math.log2(factor)));
  const anchor = screenToWorld(v, sx, sy);
  const k = scaleAt(zoom);
  return { ...v, zoom, centre: [anchor[0] - (sx - v.width / 2) / k, anchor[1] - (sy - v.height / 2) / k] };
}

/** Moves the map by (dx, dy) screen pixels, as a finger dragging it. */
export function panBy(v: MapViewport, dx: number, dy: number): MapViewport {
  const k = scaleAt(v.zoom);
  return { ...v, centre: [v.centre[0] - dx / k, v.centre[1] - dy / k] };
}

/** An SVG path of rings of positions, in world units (holes drawn by the even-odd rule). */
export function ringsPath(rings: ReadonlyArray<ReadonlyArray<LonLat>>): string {
  return rings
    .map((ring) => {
      const pts = ring.map((p) => toWorld(p));
      return `M${pts.map(([x, y]) => `${round(x)},${round(y)}`).join('L')}Z`;
    })
    .join('');
}

/** The centre of a ring's bounding box: where an area's name is written. */
export function labelPoint(ring: ReadonlyArray<LonLat>): LonLat {
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const [lon, lat] of ring) {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  return [(w + e) / 2, (s + n) / 2];
}

export interface TileRef {
  z: number;
  x: number;
  y: number;
  /** Its top-left corner and size in world units. */
  wx: number;
  wy: number;
  size: number;
}

/**
 * The tiles that cover the view at the tile zoom nearest the view's, within the file's range and
 * bounds; at most `max` of them (a phone's screen needs a few dozen).
 */
export function tilesFor(
  v: MapViewport,
  range: { minZoom: number; maxZoom: number; bounds?: readonly [number, number, number, number] },
  max = 64,
): TileRef[] {
  const z = Math.max(range.minZoom, Math.min(range.maxZoom, Math.round(v.zoom)));
  const n = 2 ** z;
  const size = WORLD / n;
  const [x0, y0] = screenToWorld(v, 0, 0);
  const [x1, y1] = screenToWorld(v, v.width, v.height);
  let [tx0, ty0, tx1, ty1] = [
    Math.floor(x0 / size),
    Math.floor(y0 / size),
    Math.floor(x1 / size),
    Math.floor(y1 / size),
  ];
  if (range.bounds !== undefined) {
    const [w, s, e, nn] = range.bounds;
    const a = toWorld([w, nn]);
    const b = toWorld([e, s]);
    tx0 = Math.max(tx0, Math.floor(a[0] / size));
    ty0 = Math.max(ty0, Math.floor(a[1] / size));
    tx1 = Math.min(tx1, Math.floor(b[0] / size));
    ty1 = Math.min(ty1, Math.floor(b[1] / size));
  }
  const out: TileRef[] = [];
  for (let y = Math.max(0, ty0); y <= Math.min(n - 1, ty1); y++)
    for (let x = Math.max(0, tx0); x <= Math.min(n - 1, tx1); x++) {
      if (out.length >= max) return out;
      out.push({ z, x, y, wx: x * size, wy: y * size, size });
    }
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The map a node serves (docs/map.md): the outlines and points of its `map:` configuration, named
 * as the roster names the areas, made once into the reply every phone gets; the tiles of an
 * operator's PMTiles file, when one is configured and opens; and at the centre the incidents the
 * reports locate (docs/reports.md §Export, GeoJSON).
 *
 * A tile file that cannot be opened does not stop the node: the map is whole without tiles, so
 * the failure is logged as an error for the operator and the map is served without them.
 */
import type { Logger } from '../base/logger.js';
import type { MapConfig, MapPointKind, Polygon, Position } from '../config/map-section.js';
import type { IncidentFeatureCollection } from '../domain/reports/incidents-geojson.js';
import { PmtilesFile, RASTER_MIME, type RasterType } from './map-pmtiles.js';
import type { PermissionScope } from './people-directory.js';

export interface MapView {
  areas: Array<{ code: number; name?: string; polygons: Polygon[] }>;
  points: Array<{ name: string; kind: MapPointKind; at: Position; area?: number }>;
  /** West, south, east, north of everything configured; absent when nothing is. */
  bounds?: [number, number, number, number];
  tiles?: {
    type: RasterType;
    minZoom: number;
    maxZoom: number;
    bounds: [number, number, number, number];
    attribution?: string;
    /** Where each tile is: `/api/map/tiles/{z}/{x}/{y}`. */
    url: string;
  };
}

export interface MapTile {
  type: string;
  bytes: Uint8Array;
}

export interface MapService {
  /** The map's reply, made once. */
  readonly json: string;
  view(): MapView;
  /** Undefined where there is no tile (or no tile file). */
  tile(z: number, x: number, y: number): Promise<MapTile | undefined>;
  /** The incidents located by reports within `scope` (the centre's map); absent where none are kept. */
  incidents?(scope: PermissionScope): Promise<IncidentFeatureCollection>;
  close(): Promise<void>;
}

export interface MapServiceOptions {
  config: MapConfig;
  /** An area's name, as the roster gives it. */
  areaName: (code: number) => string | undefined;
  incidents?: (scope: PermissionScope) => Promise<IncidentFeatureCollection>;
  log: Logger;
}

export async function openMapService(o: MapServiceOptions): Promise<MapService> {
  let tiles: PmtilesFile | undefined;
  if (o.config.tiles !== undefined) {
    try {
      tiles = await PmtilesFile.open(o.config.tiles.file);
      o.log.info(
        { file: o.config.tiles.file, type: tiles.type, zoom: [tiles.header.minZoom, tiles.header.maxZoom] },
        'map tiles open',
      );
    } catch (err) {
      o.log.error({ err }, 'the map tiles cannot be served; the map is drawn without them');
    }
  }
  const view = mapView(o.config, o.areaName, tiles, o.config.tiles?.attribution);
  const json = JSON.stringify(view);
  return {
    json,
    view: () => view,
    async tile(z, x, y) {
      if (tiles === undefined) return undefined;
      const bytes = await tiles.tile(z, x, y);
      return bytes === undefined ? undefined : { type: RASTER_MIME[tiles.type], bytes };
    },
    ...(o.incidents === undefined ? {} : { incidents: o.incidents }),
    close: async () => tiles?.close(),
  };
}

export function mapView(
  config: MapConfig,
  areaName: (code: number) => string | undefined,
  tiles?: PmtilesFile,
  attribution?: string,
): MapView {
  const all: Position[] = [
    ...config.areas.flatMap((a) => a.polygons.flat(2)),
    ...config.points.map((p) => p.at),
  ];
  return {
    areas: config.areas.map((a) => {
      const name = areaName(a.code);
      return {
        code: a.code,
        ...(name === undefined ? {} : { name }),
        polygons: a.polygons.map((p) => p.map((r) => [...r])),
      };
    }),
    points: config.points.map((p) => ({ ...p })),
    ...(all.length === 0 ? {} : { bounds: boundsOf(all) }),
    ...(tiles === undefined
      ? {}
      : {
          tiles: {
            type: tiles.type,
            minZoom: tiles.header.minZoom,
            maxZoom: tiles.header.maxZoom,
            bounds: tiles.header.bounds,
            ...(attribution === undefined ? {} : { attribution }),
            url: '/api/map/tiles/{z}/{x}/{y}',
          },
        }),
  };
}

function boundsOf(positions: readonly Position[]): [number, number, number, number] {
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const [lon, lat] of positions) {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  return [w, s, e, n];
}

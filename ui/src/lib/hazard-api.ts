/**
 * The hazard API's shapes (docs/api.md §Hazards), as types from the daemon's own modules (erased:
 * nothing of the daemon is bundled), and the few reads the hazard views and the map make.
 */
import type { LedgerRow } from '../../../node/src/domain/hazards/hazard-ledger.js';
import type { IncidentFeatureCollection } from '../../../node/src/domain/reports/incidents-geojson.js';
import type {
  HazardApiView,
  LedgerReport,
  PublicHazardView,
} from '../../../node/src/http/hazards-service.js';
import type { MapView } from '../../../node/src/http/map-service.js';
import { type ApiClient, ApiFailure } from './api-client.js';

export type { HazardApiView, IncidentFeatureCollection, LedgerReport, LedgerRow, MapView, PublicHazardView };

export interface HazardReplyBody {
  hazard: HazardApiView;
  message: { id: string; href: string };
}

export interface HazardListBody {
  items: HazardApiView[];
  page: { page: number; perPage: number; total: number };
}

/** The most the list route gives a page. */
const PER_PAGE = 500;
/** How many of the latest closed hazards the map draws, grey, beside every open one. */
export const MAP_CLOSED = 100;

/**
 * What a person may see: signed in with hazard.view, every hazard of their areas still open (every
 * page of them: the ledger's newest page may be all closed ones) and the latest closed ones; else
 * the public ones.
 */
export async function loadMapHazards(
  api: Pick<ApiClient, 'get'>,
  full: boolean,
): Promise<Array<HazardApiView | PublicHazardView>> {
  if (!full) return (await api.get<{ items: PublicHazardView[] }>('/api/public/hazards')).items;
  const [open, closed] = await Promise.all([
    everyPage(api, 'open=true'),
    api.get<HazardListBody>(`/api/hazards?status=closed&per_page=${MAP_CLOSED}`),
  ]);
  // A hazard closed between two reads is in both: keep one.
  const byId = new Map<string, HazardApiView>();
  for (const h of [...open, ...closed.items]) byId.set(h.id, h);
  return [...byId.values()];
}

/** Every page of `/api/hazards?{query}`, until the total is read or a page comes back empty. */
async function everyPage(api: Pick<ApiClient, 'get'>, query: string): Promise<HazardApiView[]> {
  const items: HazardApiView[] = [];
  for (let page = 1; ; page++) {
    const body = await api.get<HazardListBody>(`/api/hazards?${query}&per_page=${PER_PAGE}&page=${page}`);
    items.push(...body.items);
    if (body.items.length === 0 || page * PER_PAGE >= body.page.total) return items;
  }
}

/** The map's outlines and points; an empty map from a kit that has no map routes. */
export async function loadMap(api: Pick<ApiClient, 'get'>): Promise<MapView> {
  try {
    return await api.get<MapView>('/api/map');
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) return { areas: [], points: [] };
    throw err;
  }
}

/** The incidents the reports locate (the centre), or none where the kit keeps none or refuses. */
export async function loadIncidents(api: Pick<ApiClient, 'get'>): Promise<IncidentFeatureCollection> {
  try {
    return await api.get<IncidentFeatureCollection>('/api/map/incidents');
  } catch (err) {
    if (err instanceof ApiFailure && !err.network) return { type: 'FeatureCollection', features: [] };
    throw err;
  }
}

/** Whether a hazard the map holds is the full view (signed in) rather than the public one. */
export function isFull(h: HazardApiView | PublicHazardView): h is HazardApiView {
  return 'steps' in h;
}

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

/** What a person may see: every hazard of their areas when signed in with hazard.view, else the public ones. */
export async function loadMapHazards(
  api: Pick<ApiClient, 'get'>,
  full: boolean,
): Promise<Array<HazardApiView | PublicHazardView>> {
  if (full) return (await api.get<HazardListBody>('/api/hazards?per_page=500')).items;
  return (await api.get<{ items: PublicHazardView[] }>('/api/public/hazards')).items;
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

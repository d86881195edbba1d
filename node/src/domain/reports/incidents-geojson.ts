/**
 * The incidents as GeoJSON (RFC 7946) for a map (docs/reports.md §Export): one Point per incident
 * whose reports give a location, at the latest one given, with the standing figures as properties.
 * Coordinates are WGS-84, longitude first, as the wire carries them (docs/domain.md §Maps: never
 * mixed with GCJ-02 without saying so).
 */
import { hazardByCode } from '../../wire/codes/hazard-types.js';
import { countyTime } from '../county-time.js';
import { figuresAfter } from './figures.js';
import { type Incident, incidentArea, isClosed, isExercise, latestVersion } from './incident.js';
import type { IndicatorSet } from './indicators.js';
import type { ReportRules } from './report-rules.js';

export interface IncidentFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly geometry: { readonly type: 'Point'; readonly coordinates: readonly [number, number] };
  readonly properties: {
    readonly incident: string;
    readonly versions: number;
    readonly stage: string;
    readonly closed: boolean;
    readonly incidentType: string;
    readonly hazard: number;
    readonly hazardZh: string | null;
    readonly area: number | null;
    /** The latest report's creation, county time with offset. */
    readonly reportedAt: string;
    readonly figures: IndicatorSet;
  };
}

export interface IncidentFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly IncidentFeature[];
}

export function incidentsGeoJson(
  incidents: readonly Incident[],
  rules: ReportRules,
  options: { readonly exercise?: boolean } = {},
): IncidentFeatureCollection {
  const clock = countyTime(rules.timeZone);
  const features: IncidentFeature[] = [];
  for (const incident of incidents) {
    const last = latestVersion(incident);
    if (last === undefined || isExercise(incident) !== (options.exercise ?? false)) continue;
    const located = [...incident.versions].reverse().find((v) => v.body.point !== undefined);
    const point = located?.body.point;
    if (point === undefined) continue;
    features.push({
      type: 'Feature',
      id: incident.id,
      geometry: { type: 'Point', coordinates: [point.lon, point.lat] },
      properties: {
        incident: incident.id,
        versions: incident.versions.length,
        stage: last.body.stage,
        closed: isClosed(incident),
        incidentType: incident.type,
        hazard: last.body.hazard,
        hazardZh: hazardByCode(last.body.hazard)?.zh ?? null,
        area: incidentArea(incident) ?? null,
        reportedAt: clock.formatIso(last.createdAt),
        figures: figuresAfter(incident),
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

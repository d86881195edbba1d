import { describe, expect, it } from 'vitest';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { addVersion } from './incident-chain.js';
import { R1_AT, r1Incident, reportMessage, version } from './incident-fixtures.js';
import { incidentsGeoJson } from './incidents-geojson.js';
import { DEFAULT_REPORT_RULES as rules } from './report-rules.js';

describe('GeoJSON', () => {
  it('puts an incident at its latest known point, longitude first, with its standing figures', () => {
    const moved = r1Incident(
      reportMessage(310, R1_AT + 3_600_000, {
        indicators: { affected: 1300 },
        point: { lat: 28.3, lon: 113 },
      }),
      reportMessage(311, R1_AT + 7_200_000, { indicators: { dead: 3 } }),
    );
    const { type, features } = incidentsGeoJson([moved], rules);
    expect(type).toBe('FeatureCollection');
    expect(features).toHaveLength(1);
    expect(features[0]).toMatchObject({
      type: 'Feature',
      id: '2107/305',
      geometry: { type: 'Point', coordinates: [113, 28.3] },
      properties: {
        versions: 3,
        stage: 'update',
        closed: false,
        hazardZh: '洪涝/山洪',
        area: 430121101201,
        reportedAt: '2026-07-14T05:20:00+08:00',
        figures: { affected: 1300, dead: 3, missing: 3 },
      },
    });
    expect(JSON.parse(JSON.stringify(features[0]))).toEqual(features[0]);
  });

  it('leaves out incidents with no location, and drills', () => {
    const nowhere = addVersion(
      undefined,
      version({ ...R1, seq: 600, body: { stage: 'initial', hazard: 18, indicators: {} } }),
    ).incident;
    const drill = addVersion(undefined, version({ ...R1, seq: 700, flags: ['exercise'] })).incident;
    expect(incidentsGeoJson([nowhere, drill], rules).features).toEqual([]);
    expect(incidentsGeoJson([nowhere, drill], rules, { exercise: true }).features.map((f) => f.id)).toEqual([
      '2107/700',
    ]);
  });
});

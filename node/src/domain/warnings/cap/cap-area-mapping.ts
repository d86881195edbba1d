/**
 * Where an imported warning applies (docs/cap.md §4 Areas): the wire carries up to 64 area codes and
 * one circle. Geocodes under a name we read become area codes; every circle and polygon together
 * becomes the one circle, exact when there is a single circle, otherwise one that encloses them
 * all (a warning reaches too many rather than too few). What cannot be carried is noted or refused.
 */
import { isAreaCode } from '../../../wire/field-codecs.js';
import { readAreaCode } from '../../roster/area-code.js';
import { enclosingCircle, type GeoCircle, parseCircle, parsePolygon } from './cap-geo.js';
import type { CapArea } from './cap-model.js';
import type { CapProblem } from './cap-problem.js';
import { clip } from './cap-text.js';
import { GEOCODE_NAMES_READ } from './cap-vocabulary.js';
import type { CapNote } from './cap-warning-draft.js';

/** The wire's bounds (docs/wire-format.md §4.2): 64 areas, a radius up to 1,000 km. */
const MAX_AREAS = 64;
const MAX_RADIUS_M = 1_000_000;

export interface MappedAreas {
  areas: number[];
  circle?: GeoCircle;
}

export function mapAreas(
  capAreas: readonly CapArea[],
  infoPath: string,
  problems: CapProblem[],
  notes: CapNote[],
): MappedAreas {
  const codes: number[] = [];
  const shapes: GeoCircle[] = [];
  let polygons = 0;
  let circles = 0;
  capAreas.forEach((area, i) => {
    const path = `${infoPath}/area[${i + 1}]`;
    area.geocodes.forEach((g, j) => {
      const where = `${path}/geocode[${j + 1}]`;
      if (!GEOCODE_NAMES_READ.some((n) => n.toLowerCase() === g.valueName.trim().toLowerCase())) {
        notes.push({
          path: where,
          message: `geocode ${clip(g.valueName)} ${clip(g.value)} not carried: the wire names areas by administrative division code only`,
        });
        return;
      }
      const read = readAreaCode(g.value);
      if (!read.ok || !isAreaCode(read.code)) {
        problems.push({
          code: 'CAP_UNMAPPABLE',
          path: where,
          message: `${clip(g.valueName)} ${JSON.stringify(g.value.slice(0, 20))} is not an area code: ${read.ok ? 'not 6, 9 or 12 digits' : read.problem}`,
        });
        return;
      }
      if (!codes.includes(read.code)) codes.push(read.code);
    });
    // The conditional rules have checked every shape already; a failed parse cannot happen here.
    for (const text of area.circles) {
      const c = parseCircle(text);
      if (!c.ok) continue;
      circles++;
      shapes.push(c.value);
    }
    for (const text of area.polygons) {
      const p = parsePolygon(text);
      if (!p.ok) continue;
      polygons++;
      for (const centre of p.value) shapes.push({ centre, radiusM: 0 });
    }
    if (area.altitude !== undefined || area.ceiling !== undefined)
      notes.push({ path, message: 'altitude and ceiling not carried: the wire has no heights' });
  });
  if (codes.length > MAX_AREAS)
    problems.push({
      code: 'CAP_UNMAPPABLE',
      path: infoPath,
      message: `${codes.length} area codes: the wire carries at most ${MAX_AREAS}; name the common parent area instead`,
    });
  const mapped: MappedAreas = { areas: codes };
  if (shapes.length > 0) {
    const circle = enclosingCircle(shapes);
    const radiusM = Math.ceil(circle.radiusM);
    if (radiusM > MAX_RADIUS_M) {
      problems.push({
        code: 'CAP_UNMAPPABLE',
        path: infoPath,
        message: `the shapes need a circle of ${Math.round(radiusM / 1000)} km to hold them; the wire's circle is at most ${MAX_RADIUS_M / 1000} km`,
      });
    } else {
      mapped.circle = { centre: circle.centre, radiusM };
      if (circles > 1 || polygons > 0)
        notes.push({
          path: infoPath,
          message: `${polygons} polygon(s) and ${circles} circle(s) carried as one circle enclosing them all, radius ${radiusM} m: the wire has one circle and no polygons`,
        });
    }
  }
  return mapped;
}

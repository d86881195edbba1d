/**
 * What a hazard is, from the messages of its life (docs/hazards.md §The state of a hazard). A pure
 * function of the set of messages: the order they arrived in changes nothing, so two nodes that
 * hold the same messages show the same hazard.
 *
 * - Its status is the furthest any applied message gave it (hazard-status.ts): a hazard only moves
 *   forward, and a verification that arrives after the hazard was handled does not take it back.
 * - What it is (type, severity, sector, point, people at risk) is the opening report's, corrected
 *   by each verification in chain order: the one who checked on site has the last word. A change
 *   to handled or closed repeats the code and severity the wire requires, as its sender knew them,
 *   and corrects nothing: a kit that marks a hazard handled before the centre's verification
 *   reached it must not undo the verification.
 * - Chain order is creation time (whole seconds, as the wire has it), then the status (within a
 *   second a hazard still moves forward), then origin, then sequence.
 * - Its area is the report's, else the reporting kit's own; its photos are the count the reporting
 *   kit last gave, or the photos held here when this is that kit.
 */
import { type HazardEntry, type HazardStep, type HazardView, hazardIdOf } from './hazard.js';
import { type HazardStatus, statusOfWire, statusRank } from './hazard-status.js';

export interface HazardStateOptions {
  /** A kit's own area, by node id (keys.nodes, node.area); undefined when unknown. */
  kitArea: (node: number) => number | undefined;
  /** Photos of the hazard held on this node, when it is the reporting kit. */
  localPhotos?: number;
}

export function chainOrder(a: HazardEntry, b: HazardEntry): number {
  return (
    a.createdAt - b.createdAt ||
    // Within one second, a life that only moves forward: the earlier status first.
    statusRank(statusOfWire(a.body.status)) - statusRank(statusOfWire(b.body.status)) ||
    a.origin - b.origin ||
    a.seq - b.seq
  );
}

/** The hazard `id` as its messages `entries` make it; undefined without any message. */
export function hazardState(
  id: string,
  entries: readonly HazardEntry[],
  o: HazardStateOptions,
): HazardView | undefined {
  const mine = entries.filter((e) => hazardIdOf(e) === id).sort(chainOrder);
  if (mine.length === 0) return undefined;
  const opening = mine.find((e) => e.id === id && e.body.previous === undefined);
  const applied = mine.filter((e) => e.refused === undefined);
  const first = opening ?? applied[0] ?? (mine[0] as HazardEntry);

  let status: HazardStatus = 'reported';
  for (const e of applied) {
    const s = statusOfWire(e.body.status);
    if (statusRank(s) > statusRank(status)) status = s;
  }

  const b = first.body;
  let hazard = b.hazard;
  let severity = b.severity;
  let sector = b.sector;
  let point = b.point;
  let peopleAtRisk = b.peopleAtRisk;
  let householdsAtRisk = b.householdsAtRisk;
  for (const e of applied) {
    if (e === first || statusOfWire(e.body.status) !== 'verified') continue;
    hazard = e.body.hazard;
    severity = e.body.severity;
    sector = e.body.sector ?? sector;
    point = e.body.point ?? point;
    peopleAtRisk = e.body.peopleAtRisk ?? peopleAtRisk;
    householdsAtRisk = e.body.householdsAtRisk ?? householdsAtRisk;
  }

  const node = Number(id.split('/')[0]);
  const area = opening?.body.area ?? areaOfChanges(mine, node, o);
  const photos = o.localPhotos ?? lastPhotoCount(mine, node) ?? 0;
  const steps: HazardStep[] = mine.map((e) => ({
    id: e.id,
    status: statusOfWire(e.body.status),
    ...(e.body.reporter === undefined ? {} : { by: e.body.reporter }),
    at: e.createdAt * 1000,
    node: e.origin,
    ...(e.body.previous === undefined || e.body.description === undefined
      ? {}
      : { note: e.body.description }),
    severity: e.body.severity,
    ...(e.refused === undefined ? {} : { refused: e.refused }),
  }));

  return {
    id,
    opened: opening !== undefined,
    exercise: first.exercise,
    hazard,
    ...(sector === undefined ? {} : { sector }),
    severity,
    status,
    ...(area === undefined ? {} : { area }),
    ...(point === undefined ? {} : { point }),
    ...(peopleAtRisk === undefined ? {} : { peopleAtRisk }),
    ...(householdsAtRisk === undefined ? {} : { householdsAtRisk }),
    ...(opening?.body.description === undefined ? {} : { description: opening.body.description }),
    node,
    ...(opening?.body.reporter === undefined ? {} : { reportedBy: opening.body.reporter }),
    reportedAt: first.createdAt * 1000,
    updatedAt: (mine.at(-1) as HazardEntry).createdAt * 1000,
    photos,
    steps,
  };
}

/**
 * The area while the opening report is missing: a change that names one, else the reporting
 * kit's own (a change never names the kit's own area: docs/wire-format.md §4.8).
 */
function areaOfChanges(
  mine: readonly HazardEntry[],
  node: number,
  o: HazardStateOptions,
): number | undefined {
  for (const e of mine) if (e.body.area !== undefined) return e.body.area;
  return o.kitArea(node);
}

function lastPhotoCount(mine: readonly HazardEntry[], node: number): number | undefined {
  let count: number | undefined;
  for (const e of mine) if (e.origin === node && e.body.photos !== undefined) count = e.body.photos;
  return count;
}

/**
 * Beam availability over time for the simulated BeiDou module (docs/beidou.md §The simulator): how
 * many beams it has locked at a moment of the simulation's clock. A constant schedule, or a seeded
 * one that alternates clear spells with blocked ones (a valley, a building, a vehicle roof),
 * deterministic for a seed; or a scripted list of spells.
 */
import { seededRandom } from '../../../node/src/link/seeded-random.js';

/** Beams locked at clock time `t`, ms. */
export type BeamSchedule = (t: number) => number;

export function constantBeams(n: number): BeamSchedule {
  return () => n;
}

export interface SeededBeamsOptions {
  seed: number;
  /** Share of the time with a beam locked, 0–1. */
  availableFraction: number;
  /** Mean length of one clear spell plus one blocked spell, ms. Default 10 min. */
  meanCycleMs?: number;
  /** Beams locked in a clear spell. Default 2. */
  beams?: number;
}

/** Clear and blocked spells of random lengths (exponential), with the given share clear. */
export function seededBeams(o: SeededBeamsOptions): BeamSchedule {
  const f = Math.min(1, Math.max(0, o.availableFraction));
  if (f >= 1) return constantBeams(o.beams ?? 2);
  if (f <= 0) return constantBeams(0);
  const random = seededRandom(o.seed);
  const cycle = o.meanCycleMs ?? 600_000;
  const spell = (mean: number) => -Math.log(1 - random()) * mean;
  // Spells from time 0, extended as the clock asks for later times.
  const edges: number[] = [];
  let clear = random() < f;
  const startsClear = clear;
  let end = 0;
  return (t) => {
    while (end <= t) {
      end += spell(clear ? f * cycle : (1 - f) * cycle);
      edges.push(end);
      clear = !clear;
    }
    let i = 0;
    while ((edges[i] as number) <= t) i++;
    const isClear = i % 2 === 0 ? startsClear : !startsClear;
    return isClear ? (o.beams ?? 2) : 0;
  };
}

/** Scripted: `[until ms, beams]` spells in order; after the last, its beams. */
export function scriptedBeams(spells: ReadonlyArray<readonly [number, number]>): BeamSchedule {
  return (t) => {
    for (const [until, beams] of spells) if (t < until) return beams;
    return spells.at(-1)?.[1] ?? 0;
  };
}

/**
 * When the simulated modem has a satellite in view, and how strong (docs/iridium.md §7.4
 * "no satellite in view"; docs/design.md §Testing "fault injection"). The sky decides +CSQ, the +CIEV
 * service indicator, whether a session can reach the gateway (MO status 32 otherwise), whether
 * MSSTM has a time and whether a ring alert is heard.
 *
 * Times are simulated ms on the modem's Clock. Bars are 0–5; 0 means no satellite in view.
 */
import { seededRandom } from '../../../node/src/link/seeded-random.js';

export interface Sky {
  /** Signal bars at simulated time `t`: 0 (none in view) to 5. */
  signalAt(t: number): number;
  /** The next time after `t` at which the signal may change, or undefined if it never does. */
  nextChangeAfter(t: number): number | undefined;
}

function bars(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 5) throw new RangeError(`signal bars are 0–5, not ${n}`);
  return n;
}

/** The same signal for ever (0: never in view). */
export function constantSky(signal: number): Sky {
  const s = bars(signal);
  return { signalAt: () => s, nextChangeAfter: () => undefined };
}

export interface SkyWindow {
  /** Start, simulated ms (inclusive). */
  from: number;
  /** End, simulated ms (exclusive). */
  to: number;
  /** Bars inside the window. Default 4. */
  signal?: number;
}

/** Satellites in view only inside the given windows. */
export function windowSky(windows: readonly SkyWindow[]): Sky {
  const ws = windows.map((w) => ({ from: w.from, to: w.to, signal: bars(w.signal ?? 4) }));
  return {
    signalAt: (t) => ws.find((w) => t >= w.from && t < w.to)?.signal ?? 0,
    nextChangeAfter: (t) => {
      let next: number | undefined;
      for (const w of ws) {
        for (const edge of [w.from, w.to]) if (edge > t && (next === undefined || edge < next)) next = edge;
      }
      return next;
    },
  };
}

export interface SeededSkyOptions {
  seed: number;
  /** Share of the time with a satellite in view, 0–1. */
  visibleFraction: number;
  /** Mean length of one visible-plus-hidden cycle, ms. Default 20 minutes. */
  meanCycleMs?: number;
}

/**
 * Alternating visible and hidden periods, random lengths around `visibleFraction` of a cycle, a
 * random strength (1–5 bars) per visible period; the same seed gives the same sky.
 */
export function seededSky(options: SeededSkyOptions): Sky {
  const f = options.visibleFraction;
  if (!(f >= 0 && f <= 1)) throw new RangeError(`visibleFraction is 0–1, not ${f}`);
  if (f === 0) return constantSky(0);
  const random = seededRandom(options.seed);
  if (f === 1) return constantSky(1 + Math.floor(random() * 5));
  const cycle = options.meanCycleMs ?? 20 * 60_000;
  // Period i covers [starts[i], starts[i + 1]) with signal signals[i].
  const starts: number[] = [0];
  const signals: number[] = [];
  let visible = random() < f;
  const extendTo = (t: number): void => {
    while ((starts[starts.length - 1] as number) <= t) {
      const mean = (visible ? f : 1 - f) * cycle;
      const length = Math.max(1, Math.round(mean * (0.5 + random())));
      signals.push(visible ? 1 + Math.floor(random() * 5) : 0);
      starts.push((starts[starts.length - 1] as number) + length);
      visible = !visible;
    }
  };
  const periodAt = (t: number): number => {
    extendTo(t);
    let lo = 0;
    let hi = signals.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    signalAt: (t) => (t < 0 ? 0 : (signals[periodAt(t)] as number)),
    nextChangeAfter: (t) => {
      const i = periodAt(Math.max(0, t));
      extendTo((starts[i + 1] as number) + 1);
      return starts[i + 1] as number;
    },
  };
}

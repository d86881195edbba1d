/**
 * A logger whose level can change while the daemon runs (docs/operating.md §Signals): SIGHUP
 * reloads `log.level`, and a terminal that hung up is written to no more. The root logger
 * (node/src/log.ts) is made at `trace` and wrapped here; every child shares the wrapper's level,
 * so a change reaches every component at once. A line below the level is dropped here, before
 * anything is formatted.
 */
import type { Logger } from '../base/logger.js';

/** The levels, lowest first; `silent` writes nothing. */
export const ADJUSTABLE_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type AdjustableLevel = (typeof ADJUSTABLE_LEVELS)[number];

type Method = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The root of a tree of loggers that share one level. */
export class AdjustableLogLevel {
  #rank: number;

  /** @param level where it starts. */
  constructor(level: AdjustableLevel) {
    this.#rank = ADJUSTABLE_LEVELS.indexOf(level);
  }

  get level(): AdjustableLevel {
    return ADJUSTABLE_LEVELS[this.#rank] as AdjustableLevel;
  }

  set level(level: AdjustableLevel) {
    this.#rank = ADJUSTABLE_LEVELS.indexOf(level);
  }

  /** `inner` (made at its most verbose level), filtered by this level; its children too. */
  wrap(inner: Logger): Logger {
    const write = (m: Method) => (obj: object | string, msg?: string) => {
      if (ADJUSTABLE_LEVELS.indexOf(m) < this.#rank) return;
      if (msg === undefined) inner[m](obj);
      else inner[m](obj, msg);
    };
    return {
      child: (bindings) => this.wrap(inner.child(bindings)),
      trace: write('trace'),
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
    };
  }
}

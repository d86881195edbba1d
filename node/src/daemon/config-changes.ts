/**
 * What changed between the configuration a daemon runs with and the file as it reads now, for a
 * reload on SIGHUP (docs/operating.md §Signals): the log level is applied at once; everything else
 * the node was built from takes a restart, and the reload says which parts, by the names the file
 * uses (`links.sat0`, `routing`, `keys`…).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/schema.js';

/** What a reload does with a changed configuration. */
export interface ConfigChanges {
  /** Applied while running: `log.level` when it changed. */
  applied: string[];
  /** Changed, and taking effect at the next start only. */
  needsRestart: string[];
}

/** The parts of the file, by the typed configuration's keys. */
const FILE_NAMES: Partial<Record<keyof Config, string>> = {
  dataDir: 'data_dir',
  centreNodes: 'centre_nodes',
};

export function configChanges(running: Config, next: Config): ConfigChanges {
  const applied: string[] = [];
  const needsRestart: string[] = [];
  const keys = new Set([...Object.keys(running), ...Object.keys(next)] as Array<keyof Config>);
  for (const key of keys) {
    const before = running[key] as unknown;
    const after = next[key] as unknown;
    if (isDeepStrictEqual(before, after)) continue;
    if (key === 'links') needsRestart.push(...linkChanges(running.links, next.links));
    else if (key === 'log') {
      if (running.log.level !== next.log.level) applied.push('log.level');
      const { level: _a, ...restBefore } = running.log;
      const { level: _b, ...restAfter } = next.log;
      if (!isDeepStrictEqual(restBefore, restAfter)) needsRestart.push('log');
    } else needsRestart.push(FILE_NAMES[key] ?? key);
  }
  return { applied, needsRestart };
}

/** `links.ID` for each link added, removed or changed. */
function linkChanges(before: Config['links'], after: Config['links']): string[] {
  const ids = new Set([...before.map((l) => l.id), ...after.map((l) => l.id)]);
  const changed: string[] = [];
  for (const id of ids) {
    const a = before.find((l) => l.id === id);
    const b = after.find((l) => l.id === id);
    if (!isDeepStrictEqual(a, b)) changed.push(`links.${id}`);
  }
  return changed;
}

/**
 * Names for the numbers and codes of a decoded frame, for `fieldnode wire decode`
 * (docs/operating.md §The command line).
 *
 * The code tables are the wire codec's own (node/src/wire/codes/: hazards, event codes, roles,
 * supplies, indicators). What has no table there is written here from the documents that define
 * it: the warning levels and colours (docs/domain.md §Warnings; docs/wire-format.md §4.2), the
 * priorities (docs/wire-format.md §2), the report stages (§4.1), the kinds' Chinese names (the
 * headings of §4 and docs/domain.md §Hazards, shelters and requests) and the levels of area codes
 * (§3.4). A code no table knows is shown as its number, saying so: codes are appended to the
 * tables over time, and a frame from a newer node may carry one.
 */

import { eventName } from '../wire/codes/event-codes.js';
import { hazardByCode } from '../wire/codes/hazard-types.js';
import { roleByCode } from '../wire/codes/roles.js';
import { supplyItem } from '../wire/codes/supply-items.js';
import type { Destination, EnvelopeFlag } from '../wire/envelope.js';

const UNKNOWN = '(not in this version’s table)';

/** 18 → "18 洪涝/山洪 (flashFlood)". */
export function hazardLabel(code: number): string {
  const h = hazardByCode(code);
  return h === undefined ? `${code} ${UNKNOWN}` : `${code} ${h.zh} (${h.name})`;
}

/** "11B03" → "11B03 暴雨 (rainstorm)". */
export function eventLabel(code: string): string {
  const e = eventName(code);
  return e === undefined ? `${code} ${UNKNOWN}` : `${code} ${e.zh} (${e.en})`;
}

/** 4 → "4 防汛责任人 (floodControl)". */
export function roleLabel(code: number): string {
  const r = roleByCode(code);
  return r === undefined ? `${code} ${UNKNOWN}` : `${code} ${r.zh} (${r.name})`;
}

/** 1 → "1 饮用水 (drinkingWater), in 箱". */
export function supplyLabel(code: number): string {
  const s = supplyItem(code);
  return s === undefined ? `${code} ${UNKNOWN}` : `${code} ${s.zh} (${s.name}), in ${s.unit}`;
}

/** docs/domain.md §Warnings: the four levels of the Emergency Response Law; 0 is none. */
const LEVELS = [
  'none',
  'I 特别严重 (extremely serious)',
  'II 严重 (serious)',
  'III 较重 (fairly serious)',
  'IV 一般 (general)',
];

export function levelLabel(level: number): string {
  return `${level} ${LEVELS[level] ?? UNKNOWN}`;
}

/** docs/domain.md §Warnings. */
const COLOURS: Readonly<Record<string, string>> = { red: '红', orange: '橙', yellow: '黄', blue: '蓝' };

export function colourLabel(colour: string): string {
  const zh = COLOURS[colour];
  return zh === undefined ? colour : `${colour} (${zh})`;
}

/** docs/wire-format.md §4.1. */
const STAGES: Readonly<Record<string, string>> = { initial: '初报', update: '续报', final: '核报' };

export function stageLabel(stage: string): string {
  const zh = STAGES[stage];
  return zh === undefined ? stage : `${stage} (${zh})`;
}

/** docs/wire-format.md §2. */
const PRIORITIES = ['life safety', 'reports and requests', 'routine', 'bulk'];

export function priorityLabel(priority: number): string {
  return `P${priority} ${PRIORITIES[priority] ?? ''}`.trimEnd();
}

/** docs/wire-format.md §4 (the headings) and docs/domain.md §Hazards, shelters and requests. */
const KIND_ZH: Readonly<Record<string, string>> = {
  report: '灾情报告',
  warning: '预警',
  ack: '叫应',
  hazard: '隐患',
  request: '求助',
  rollcall: '安置点清点',
};

export function kindLabel(code: number, name: string | undefined): string {
  if (name === undefined) return `${code} ${UNKNOWN}`;
  const zh = KIND_ZH[name];
  return `${code} ${name}${zh === undefined ? '' : ` (${zh})`}`;
}

/** docs/wire-format.md §3.4: the number of digits is the level. */
export function areaLabel(area: number): string {
  const digits = String(area).length;
  const level = digits === 6 ? 'county' : digits === 9 ? 'township' : digits === 12 ? 'village' : '?';
  return `${area} (${level})`;
}

export function destinationLabel(dest: Destination): string {
  switch (dest.to) {
    case 'centre':
      return 'the centre';
    case 'node':
      return `node ${dest.node}`;
    case 'area':
      return `area ${areaLabel(dest.area)}`;
    case 'role':
      return `role ${roleLabel(dest.role)}`;
    case 'all':
      return 'everyone';
  }
}

/** docs/wire-format.md §2: the envelope's flags. */
const FLAGS: Readonly<Record<EnvelopeFlag, string>> = {
  exercise: 'exercise (演练: a drill, never a real alert)',
  noReceipt: 'noReceipt (the origin wants no end-to-end receipt)',
};

export function flagLabels(flags: readonly EnvelopeFlag[]): string {
  return flags.map((f) => FLAGS[f] ?? f).join(', ');
}

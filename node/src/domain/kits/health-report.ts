/**
 * What a kit tells the centre about itself (docs/kits.md §What a kit tells the centre;
 * docs/wire-format.md §4.7): its status as `fieldnode status` has it and its power as the power
 * reader gives it, made into a health message's body and its draft. Pure: the health reporter
 * calls it.
 */
import type { NodeStatus } from '../../app-contract.js';
import type { Draft } from '../../core/core-types.js';
import {
  CLOCK_SOURCE_CODES,
  type HealthBody,
  LINK_KIND_CODES,
  LINK_STATE_CODES,
  MAX_HEALTH_LINKS,
} from '../../wire/kinds/health.js';

/** The kit's power supply: the API's PowerStatus (node/src/http/status-view.ts) has this shape. */
export interface PowerReading {
  source: 'mains' | 'solar' | 'battery' | 'unknown';
  batteryPercent?: number;
  batteryVolts?: number;
  charging?: boolean;
  minutesLeft?: number;
  at: number;
}

/** The body of a health message from the kit's status and power now; `intervalMs` until the next. */
export function healthBody(
  status: NodeStatus,
  power: PowerReading | undefined,
  intervalMs: number,
  now: number,
): HealthBody {
  const clock = CLOCK_SOURCE_CODES.indexOf(status.clock.source as (typeof CLOCK_SOURCE_CODES)[number]);
  const links = status.links
    .filter((l) => LINK_KIND_CODES.includes(l.kind as (typeof LINK_KIND_CODES)[number]))
    .slice(0, MAX_HEALTH_LINKS)
    .map((l) => ({
      kind: LINK_KIND_CODES.indexOf(l.kind as (typeof LINK_KIND_CODES)[number]),
      state: stateCode(l.state),
    }));
  const queued = Object.values(status.queue).reduce((a, b) => a + b, 0);
  return {
    intervalS: Math.max(1, Math.min(86_400, Math.round(intervalMs / 1000))),
    power: power?.source ?? 'unknown',
    ...(power?.batteryPercent === undefined
      ? {}
      : { batteryPct: clamp(Math.round(power.batteryPercent), 0, 100) }),
    // Hundredths of a volt: what the wire carries (§3.2: no floats).
    ...(power?.batteryVolts === undefined
      ? {}
      : { batteryVolts: clamp(Math.round(power.batteryVolts * 100), 0, 10_000) / 100 }),
    ...(power?.charging === undefined ? {} : { charging: power.charging }),
    ...(power?.minutesLeft === undefined
      ? {}
      : { minutesLeft: clamp(Math.round(power.minutesLeft), 0, 0xffff) }),
    clock: Math.max(clock, 0),
    clockTrusted: status.clock.trusted,
    ...(links.length === 0 ? {} : { links }),
    queued,
    upMin: Math.max(0, Math.floor((now - status.startedAt) / 60_000)),
  };
}

/**
 * The draft of a health message: to the centre, P3, wanting no end-to-end receipt, living two
 * intervals (a newer one makes it worthless; docs/wire-format.md §4.7).
 */
export function healthDraft(body: HealthBody): Draft<'health'> {
  return {
    kind: 'health',
    body,
    dest: { to: 'centre' },
    priority: 3,
    lifetimeMin: Math.max(1, Math.ceil((2 * body.intervalS) / 60)),
    flags: ['noReceipt'],
  };
}

function stateCode(state: unknown): number {
  const s = state as { status?: string; reason?: string } | undefined;
  if (s?.status === 'up') return 0;
  if (s?.status === 'down') {
    const i = LINK_STATE_CODES.indexOf((s.reason ?? '') as (typeof LINK_STATE_CODES)[number]);
    // A reason this version's table lacks is still a link down: "stopped" is the closest.
    return i < 0 ? LINK_STATE_CODES.indexOf('stopped') : i;
  }
  return LINK_STATE_CODES.indexOf('starting');
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

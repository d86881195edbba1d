/**
 * When the centre is alerted about a kit before it goes dark (docs/kits.md §When the centre is
 * alerted): silence past the interval the kit itself announced, and a battery at its low mark or
 * falling toward its cut-off. Pure: the kit board calls it on each message and when a silence
 * would begin.
 *
 * - **Silent**: nothing at all came from the kit for `silenceIntervals` of its health interval and
 *   a minute more (half an interval, for intervals under two minutes). The interval is the one its latest health message named (a kit says when to
 *   expect it next); before any, the county's configured one. One lost health message is not a
 *   silence; two in a row are. A kit never heard since it was enrolled is not alerted on: it may not
 *   be out yet. A revoked kit is not watched, nor one no longer enrolled (removed from keys.nodes).
 * - **Battery**: the latest health message says the kit runs on its battery (or cannot tell) and
 *   is not charging, and its charge is at the low mark or below, or the trend through its recent
 *   charges (battery-trend.ts) or its own estimate of the minutes left reaches the cut-off within
 *   the warning time.
 */
import type { HealthBody } from '../../wire/kinds/health.js';
import { batteryTrend, type ChargePoint } from './battery-trend.js';

/** One health message as the centre keeps it. */
export interface HealthSample {
  /** Its message id, origin/seq. */
  msg: string;
  /** When the centre took it in, unix ms (the centre's clock). */
  at: number;
  /** When the kit made it, unix ms (the kit's clock, true only when `clockUntrusted` is false). */
  createdAt: number;
  clockUntrusted: boolean;
  body: HealthBody;
}

/** What the alerts are decided from. */
export interface KitFacts {
  /** When anything last came from the kit, unix ms; undefined: never. */
  lastHeard?: number;
  /** Its health messages, oldest first; the last is the latest. */
  samples: readonly HealthSample[];
  revoked: boolean;
  /**
   * Not among the kits the centre enrolls now (removed from keys.nodes, known only from its journal
   * or as another kit's successor): kept for its history, not watched. Default false.
   */
  unenrolled?: boolean;
}

export interface AlertPolicy {
  /** Health interval to expect before a kit named its own, ms. */
  defaultIntervalMs: number;
  silenceIntervals: number;
  /**
   * Added to the silence: a message late by a few seconds is not a silence. Default a minute, or
   * half the interval when that is shorter.
   */
  graceMs?: number;
  batteryLowPercent: number;
  batteryCutoffPercent: number;
  batteryWarnAheadMs: number;
}

export type AlertKind = 'silent' | 'battery';

/** An alert as found now; the board adds since when it stands. */
export type AlertFinding =
  | {
      kind: 'silent';
      /** When it was last heard, unix ms. */
      lastHeard: number;
      /** The silence it was allowed, ms. */
      allowedMs: number;
    }
  | {
      kind: 'battery';
      percent: number;
      /** At or below the low mark. */
      low: boolean;
      /** When it is expected to reach the cut-off, unix ms, when a trend or the kit says so. */
      cutoffAt?: number;
      /** Percent per hour, when a trend was drawn. */
      perHour?: number;
    };

/** The longest grace a silence is given by default. */
export const DEFAULT_GRACE_MS = 60_000;

/** The silence a kit is allowed before it is called silent, ms. */
export function allowedSilenceMs(facts: Pick<KitFacts, 'samples'>, policy: AlertPolicy): number {
  const interval = facts.samples.at(-1)?.body.intervalS;
  const intervalMs = interval === undefined ? policy.defaultIntervalMs : interval * 1000;
  return (
    policy.silenceIntervals * intervalMs + (policy.graceMs ?? Math.min(DEFAULT_GRACE_MS, intervalMs / 2))
  );
}

/** When the kit would become silent if nothing more came, unix ms; undefined when it is not watched. */
export function silentFrom(facts: KitFacts, policy: AlertPolicy): number | undefined {
  if (!watched(facts) || facts.lastHeard === undefined) return undefined;
  return facts.lastHeard + allowedSilenceMs(facts, policy);
}

/** The alerts that stand for the kit at `now`. */
export function kitAlerts(facts: KitFacts, now: number, policy: AlertPolicy): AlertFinding[] {
  if (!watched(facts)) return [];
  const found: AlertFinding[] = [];
  const from = silentFrom(facts, policy);
  if (from !== undefined && now >= from && facts.lastHeard !== undefined)
    found.push({ kind: 'silent', lastHeard: facts.lastHeard, allowedMs: allowedSilenceMs(facts, policy) });
  const battery = batteryFinding(facts.samples, policy);
  if (battery) found.push(battery);
  return found;
}

/** Whether the centre watches the kit at all: enrolled, and not revoked. */
function watched(facts: KitFacts): boolean {
  return !facts.revoked && facts.unenrolled !== true;
}

/** When a reading was true: the kit's own time when it trusted its clock, else when it arrived. */
export function sampleTime(s: HealthSample): number {
  return s.clockUntrusted ? s.at : s.createdAt;
}

function batteryFinding(samples: readonly HealthSample[], policy: AlertPolicy): AlertFinding | undefined {
  const latest = samples.at(-1);
  const percent = latest?.body.batteryPct;
  if (latest === undefined || percent === undefined) return undefined;
  const onBattery = latest.body.power === 'battery' || latest.body.power === 'unknown';
  if (!onBattery || latest.body.charging === true) return undefined;
  // The stretch of readings on the battery, not charging, up to the latest.
  const stretch: ChargePoint[] = [];
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as HealthSample;
    const pct = s.body.batteryPct;
    if (
      pct === undefined ||
      s.body.charging === true ||
      (s.body.power !== 'battery' && s.body.power !== 'unknown')
    )
      break;
    stretch.push({ at: sampleTime(s), percent: pct });
  }
  const trend = batteryTrend(stretch, policy.batteryCutoffPercent);
  const now = sampleTime(latest);
  const estimates: number[] = [];
  if (trend?.cutoffAt !== undefined) estimates.push(trend.cutoffAt);
  const minutes = latest.body.minutesLeft;
  if (minutes !== undefined) estimates.push(now + minutes * 60_000);
  const cutoffAt = estimates.length === 0 ? undefined : Math.min(...estimates);
  const low = percent <= policy.batteryLowPercent;
  const soon = cutoffAt !== undefined && cutoffAt - now <= policy.batteryWarnAheadMs;
  if (!low && !soon) return undefined;
  return {
    kind: 'battery',
    percent,
    low,
    ...(cutoffAt === undefined ? {} : { cutoffAt }),
    ...(trend === undefined ? {} : { perHour: Math.round(trend.perHour * 10) / 10 }),
  };
}

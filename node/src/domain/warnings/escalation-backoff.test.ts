/**
 * The sends toward a kit that never confirms (escalation.ts; docs/warnings.md §Escalation): four
 * minutes apart past the superiors for the first hour, then backing off to half an hour, so a kit
 * with a flat battery does not cost its mesh a flood every four minutes all day.
 */
import { describe, expect, it } from 'vitest';
import type { Call } from './call.js';
import {
  DEFAULT_ESCALATION,
  escalationDue,
  FULL_RESEND_CADENCE_MS,
  LATE_RESEND_MAX_MS,
} from './escalation.js';
import { VILLAGE_A1 } from './warnings-fixtures.js';

const MIN = 60_000;
const KIT = 2101;

/** Runs the escalation over `lifetimeMs` as the desk's timer would, carrying out every step. */
function sendsOver(lifetimeMs: number, latencyMs = 0): number[] {
  const call: Call = {
    warning: '1/10',
    person: 11,
    area: VILLAGE_A1,
    kit: KIT,
    named: true,
    state: 'sent',
    at: { sent: 0 },
    steps: [],
  };
  let now = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    const due = escalationDue([call], now, DEFAULT_ESCALATION, () => latencyMs);
    for (const a of due.actions)
      call.steps.push({
        step: a.kind === 'resend' ? 'resent' : a.kind === 'realarm' ? 'realarmed' : 'superior',
        at: now,
      });
    // The desk looks again at once after carrying steps out, as its timer would.
    if (due.actions.length > 0) continue;
    if (due.wakeAt === undefined || due.wakeAt > lifetimeMs) break;
    now = due.wakeAt;
  }
  return call.steps.filter((s) => s.step === 'resent').map((s) => s.at / MIN);
}

describe('sends toward a kit that never confirms', () => {
  it('go 2 min apart, then 4 min apart for the first hour, then back off to half an hour over a 6 h warning', () => {
    const sends = sendsOver(6 * 60 * MIN);
    // The measured hour: the two sends before the superiors, then every four minutes.
    expect(sends.filter((t) => t < 60)).toEqual([
      2, 4, 6, 10, 14, 18, 22, 26, 30, 34, 38, 42, 46, 50, 54, 58,
    ]);
    // Then doubling, up to half an hour, never more often.
    expect(sends.filter((t) => t >= 60)).toEqual([62, 70, 86, 116, 146, 176, 206, 236, 266, 296, 326, 356]);
    const gaps = sends.slice(1).map((t, i) => t - (sends[i] ?? 0));
    expect(Math.max(...gaps)).toBe(LATE_RESEND_MAX_MS / MIN);
    // 28 sends in six hours, where the four-minute cadence all day made 90.
    expect(sends).toHaveLength(28);
    expect(FULL_RESEND_CADENCE_MS).toBe(60 * MIN);
  });

  it('never sends sooner than the route itself allows: a satellite route past the hour keeps its own wait', () => {
    // An hour's latency: two hours apart past the superiors, more than the half-hour bound.
    const sends = sendsOver(12 * 60 * MIN, 60 * MIN);
    const gaps = sends.slice(1).map((t, i) => t - (sends[i] ?? 0));
    expect(gaps.every((g) => g >= 60)).toBe(true);
    expect(gaps.slice(2).every((g) => g === 120)).toBe(true);
  });
});

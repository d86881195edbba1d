/**
 * Warnings and calls as the API shows them (docs/api.md §Warnings): the wire's warning message and
 * the board's calls, made into the views of warnings-service.ts, with the headline rendered, role
 * codes named, and persons and areas given the names the roster knows.
 */

import { ROLE_CODES, ROLES } from '../domain/roster/roles.js';
import { renderWarningHeadline } from '../domain/warning-headline.js';
import type { Call } from '../domain/warnings/call.js';
import { eventName } from '../wire/codes/event-codes.js';
import type { MessageOf } from '../wire/message.js';
import type { CallCounts, CallView, WarningStatus, WarningView } from './warnings-service.js';

/** The names the views give people and areas. */
export interface ViewNames {
  person(id: number): string | undefined;
  area(code: number): string | undefined;
}

/** What a warning view is made from, besides the message. */
export interface WarningFacts {
  id: string;
  thread: string;
  status: WarningStatus;
  recordedAt: number;
  imported?: { sender: string; identifier: string };
}

const ROLE_BY_WIRE = new Map(ROLE_CODES.map((code) => [ROLES[code].wire, code]));

export function warningView(m: MessageOf<'warning'>, facts: WarningFacts): WarningView {
  const b = m.body;
  const name = eventName(b.event);
  return {
    id: facts.id,
    action: b.action,
    ...(b.references === undefined ? {} : { references: `${b.references.origin}/${b.references.seq}` }),
    thread: facts.thread,
    issuer: b.issuer,
    event: b.event,
    ...(name === undefined ? {} : { eventName: name }),
    level: b.level,
    colour: b.colour,
    headline: renderWarningHeadline(b),
    areas: [...b.areas],
    roles: b.roles.map((r) => ROLE_BY_WIRE.get(r) ?? `role-${r}`),
    ...(b.persons === undefined ? {} : { persons: b.persons.map((p) => p.person) }),
    ...(b.circle === undefined
      ? {}
      : { circle: { lat: b.circle.centre.lat, lon: b.circle.centre.lon, radiusM: b.circle.radiusM } }),
    onset: b.onset,
    expires: b.expires,
    instruction: b.instruction,
    ...(b.senderName === undefined ? {} : { senderName: b.senderName }),
    exercise: m.flags.includes('exercise'),
    createdAt: m.createdAt * 1000,
    recordedAt: facts.recordedAt,
    status: facts.status,
    ...(facts.imported === undefined ? {} : { imported: facts.imported }),
  };
}

export function callView(c: Call, names: ViewNames): CallView {
  const name = names.person(c.person);
  const areaName = names.area(c.area);
  return {
    warning: c.warning,
    person: c.person,
    ...(name === undefined ? {} : { name }),
    area: c.area,
    ...(areaName === undefined ? {} : { areaName }),
    ...(c.kit === undefined ? {} : { kit: c.kit }),
    named: c.named,
    ...(c.uncalled ? { uncalled: true } : {}),
    ...(c.escalatedFrom === undefined ? {} : { escalatedFrom: c.escalatedFrom }),
    state: c.state,
    at: { ...c.at },
    steps: c.steps.map((s) => ({ ...s })),
    ...(c.evacuated === undefined ? {} : { evacuated: c.evacuated }),
    ...(c.notified === undefined ? {} : { notified: c.notified }),
    ...(c.note === undefined ? {} : { note: c.note }),
  };
}

/** 未叫应 first, the longest waiting first; then the answered, in roster order. */
export function boardOrder(calls: readonly CallView[]): CallView[] {
  const waiting = (c: CallView) => c.state === 'sent' || c.state === 'delivered';
  return [...calls].sort((a, b) => {
    if (waiting(a) !== waiting(b)) return waiting(a) ? -1 : 1;
    if (waiting(a)) return a.at.sent - b.at.sent || a.person - b.person;
    return a.person - b.person;
  });
}

export function callCounts(calls: readonly Call[]): CallCounts {
  const counts: CallCounts = {
    total: calls.length,
    sent: 0,
    delivered: 0,
    acknowledged: 0,
    acted: 0,
    unanswered: 0,
    evacuated: 0,
  };
  for (const c of calls) {
    counts[c.state]++;
    if (c.state === 'sent' || c.state === 'delivered') counts.unanswered++;
    counts.evacuated += c.evacuated ?? 0;
  }
  return counts;
}

/**
 * CAP for the in-memory warnings service of the route tests (warnings-fixtures.ts): the domain's
 * own export and import (docs/cap.md; node/src/domain/warnings/cap/), over a warning as the API
 * shows it. A warning view becomes the wire's warning message and is exported as the centre would;
 * an import's draft becomes the draft the form would send. So the routes' tests see the CAP the
 * codec writes and the reasons it refuses, not strings made up for them.
 */

import type { AreaDirectory } from '../domain/roster/area-directory.js';
import { isRoleCode, ROLES } from '../domain/roster/roles.js';
import { type CapExportContext, exportCap } from '../domain/warnings/cap/cap-export.js';
import { importCap as readCapAlert } from '../domain/warnings/cap/cap-import.js';
import type { CapReferenceTarget } from '../domain/warnings/cap/cap-warning-draft.js';
import type { MessageOf } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import type { WarningDraftInput, WarningView } from './warnings-service.js';

export const CAP_SENDER = 'yjj.test-county.example.cn';

/** `origin/seq` as the wire's reference. */
function ref(id: string): { origin: number; seq: number } {
  const [origin, seq] = id.split('/').map(Number) as [number, number];
  return { origin, seq };
}

/** The wire's warning message a view stands for. */
export function warningMessage(w: WarningView): MessageOf<'warning'> {
  const { origin, seq } = ref(w.id);
  return {
    kind: 'warning',
    origin,
    seq,
    createdAt: Math.floor(w.createdAt / 1000),
    clockUntrusted: false,
    priority: 0,
    lifetimeMin: 360,
    dest: { to: 'all' },
    flags: w.exercise ? ['exercise'] : [],
    body: {
      action: w.action,
      issuer: w.issuer,
      event: w.event,
      level: w.level,
      colour: w.colour,
      areas: [...w.areas],
      roles: w.roles.filter(isRoleCode).map((r) => ROLES[r].wire),
      onset: w.onset,
      expires: w.expires,
      instruction: w.instruction,
      ...(w.senderName === undefined ? {} : { senderName: w.senderName }),
      ...(w.references === undefined ? {} : { references: ref(w.references) }),
      ...(w.circle === undefined
        ? {}
        : { circle: { centre: { lat: w.circle.lat, lon: w.circle.lon }, radiusM: w.circle.radiusM } }),
    },
  };
}

/** The CAP 1.2 XML of `w`; `thread` is its thread's first warning (an update's references). */
export function capOf(w: WarningView, thread: WarningView | undefined, areas: AreaDirectory): string {
  const context: CapExportContext = {
    sender: CAP_SENDER,
    issuerName: '测试县应急管理局',
    areas,
    ...(thread === undefined || w.references === undefined
      ? {}
      : { referencedSentAt: Math.floor(thread.createdAt / 1000) }),
  };
  return exportCap(warningMessage(w), context);
}

export interface ImportedDraft {
  draft: WarningDraftInput;
  source: { sender: string; identifier: string };
  notes: Array<{ path: string; message: string }>;
}

/**
 * What CAP bytes ask to forward, as a draft; `threadOf` finds the warning a CAP message named in
 * `references` was forwarded as. Refused: ApiError CAP_REJECTED with every reason the codec gave.
 */
export function draftFromCap(
  xml: Uint8Array,
  nowS: number,
  threadOf: (sender: string, identifier: string) => WarningView | undefined,
): ImportedDraft {
  const result = readCapAlert(xml, {
    now: nowS,
    resolveReference: (r): CapReferenceTarget | undefined => {
      const w = threadOf(r.sender, r.identifier);
      return w === undefined
        ? undefined
        : {
            ref: ref(w.thread),
            warning: { event: w.event, level: w.level, colour: w.colour, areas: [...w.areas] },
          };
    },
  });
  if (!result.ok)
    throw new ApiError(
      'CAP_REJECTED',
      `the CAP message was not imported: ${result.reasons.length} problem(s)`,
      {
        problems: result.reasons.map((p) => ({ field: p.path, code: p.code, message: p.message })),
      },
    );
  const { body, source, exercise, notes } = result.draft;
  const draft: WarningDraftInput = {
    action: body.action,
    event: body.event,
    level: body.level,
    colour: body.colour,
    areas: [...body.areas],
    onset: body.onset,
    expires: body.expires,
    instruction: body.instruction,
    exercise,
    ...(body.senderName === undefined ? {} : { senderName: body.senderName }),
    ...(body.references === undefined
      ? {}
      : { references: `${body.references.origin}/${body.references.seq}` }),
    ...(body.circle === undefined
      ? {}
      : {
          circle: { lat: body.circle.centre.lat, lon: body.circle.centre.lon, radiusM: body.circle.radiusM },
        }),
  };
  return { draft, source: { sender: source.sender, identifier: source.identifier }, notes: [...notes] };
}

/**
 * The registry of message kinds: wire code, body fields, consistency check and how each kind must
 * be authenticated (docs/design.md §Messages, §Security; docs/wire-format.md §Kinds).
 */
import { type AckBody, ackFields, checkAck } from './kinds/ack.js';
import { type BeaconBody, beaconFields, checkBeacon } from './kinds/beacon.js';
import { type ControlBody, controlFields } from './kinds/control.js';
import { type HazardBody, hazardFields } from './kinds/hazard.js';
import { checkHealth, type HealthBody, healthFields } from './kinds/health.js';
import { type PositionBody, positionFields } from './kinds/position.js';
import { type ReceiptBody, receiptFields } from './kinds/receipt.js';
import { checkReport, type ReportBody, reportFields } from './kinds/report.js';
import {
  type RequestBody,
  type RequestReplyBody,
  requestFields,
  requestReplyFields,
} from './kinds/request.js';
import { type RollcallBody, rollcallFields } from './kinds/rollcall.js';
import { type TaskBody, taskFields } from './kinds/task.js';
import { type TextBody, textFields } from './kinds/text.js';
import { checkWarning, type WarningBody, warningFields } from './kinds/warning.js';
import type { FieldMap } from './schema.js';

export interface BodyByKind {
  report: ReportBody;
  warning: WarningBody;
  ack: AckBody;
  hazard: HazardBody;
  request: RequestBody;
  'request-reply': RequestReplyBody;
  rollcall: RollcallBody;
  position: PositionBody;
  text: TextBody;
  receipt: ReceiptBody;
  control: ControlBody;
  beacon: BeaconBody;
  health: HealthBody;
  task: TaskBody;
}

export type KindName = keyof BodyByKind;

/** 'signature': an authorised issuer's Ed25519 signature; 'mac': a kit–centre MAC (or a signature). */
export type AuthRequirement = 'signature' | 'mac';

export interface KindDef {
  readonly code: number;
  readonly fields: FieldMap;
  readonly auth: AuthRequirement;
  /** Cross-field rules a schema cannot express; returns what is wrong, if anything. */
  readonly check?: (body: never) => string | undefined;
}

export const KINDS: {
  readonly [K in KindName]: KindDef & { check?: (body: BodyByKind[K]) => string | undefined };
} = {
  report: { code: 1, fields: reportFields, auth: 'mac', check: checkReport },
  warning: { code: 2, fields: warningFields, auth: 'signature', check: checkWarning },
  ack: { code: 3, fields: ackFields, auth: 'mac', check: checkAck },
  hazard: { code: 4, fields: hazardFields, auth: 'mac' },
  request: { code: 5, fields: requestFields, auth: 'mac' },
  'request-reply': { code: 6, fields: requestReplyFields, auth: 'mac' },
  rollcall: { code: 7, fields: rollcallFields, auth: 'mac' },
  position: { code: 8, fields: positionFields, auth: 'mac' },
  text: { code: 9, fields: textFields, auth: 'mac' },
  receipt: { code: 10, fields: receiptFields, auth: 'mac' },
  control: { code: 11, fields: controlFields, auth: 'signature' },
  beacon: { code: 12, fields: beaconFields, auth: 'mac', check: checkBeacon },
  health: { code: 13, fields: healthFields, auth: 'mac', check: checkHealth },
  task: { code: 14, fields: taskFields, auth: 'mac' },
};

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

const byCode = new Map<number, KindName>(KIND_NAMES.map((name) => [KINDS[name].code, name]));

export function kindByCode(code: number): KindName | undefined {
  return byCode.get(code);
}

/**
 * Warnings for the alarm's tests (docs/warnings.md §The alarm at the kit): a red rainstorm warning
 * of 某县气象台 at a village kit, and the update, cancel and drill made from it.
 */
import type { EnvelopeFlag } from '../../../wire/envelope.js';
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { KitWarning } from './alarm-board.js';

/** 2026-07-14T03:20:00+08:00, in unix ms: a night in the flood season. */
export const T0 = Date.UTC(2026, 6, 13, 19, 20);
export const CENTRE = 1;
export const ISSUER = 3;
export const INSTRUCTION = '立即转移山洪危险区群众';

export const RED_BODY: WarningBody = {
  action: 'issue',
  issuer: ISSUER,
  event: '11B03',
  level: 1,
  colour: 'red',
  areas: [430121100201],
  roles: [1],
  onset: T0 / 1000,
  expires: T0 / 1000 + 6 * 3600,
  instruction: INSTRUCTION,
  senderName: '某县气象台',
};

export interface WarningOptions {
  seq?: number;
  body?: Partial<WarningBody>;
  drill?: boolean;
  persons?: number[];
  answered?: number[];
}

/** A warning from the centre as the kit hands it to the alarm. */
export function kitWarning(o: WarningOptions = {}): KitWarning {
  const flags: EnvelopeFlag[] = o.drill ? ['exercise'] : [];
  return {
    message: { origin: CENTRE, seq: o.seq ?? 10, flags, body: { ...RED_BODY, ...o.body } },
    persons: o.persons ?? [11, 12],
    ...(o.answered === undefined ? {} : { answered: o.answered }),
  };
}

/** An update or cancel of the thread of the issue `issueSeq`. */
export function followUp(
  action: 'update' | 'cancel',
  seq: number,
  o: WarningOptions = {},
  issueSeq = 10,
): KitWarning {
  return kitWarning({
    ...o,
    seq,
    body: { ...o.body, action, references: { origin: CENTRE, seq: issueSeq } },
  });
}

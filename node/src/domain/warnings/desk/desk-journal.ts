/**
 * What the centre's warning desk keeps on disk (docs/warnings.md §The board, "Kept across
 * restarts"): the inputs it acted on, one JSON line each (docs/conventions.md §Journals beside the
 * store), replayed at start into the same warnings and the same 叫应 board. The warning is kept as
 * its signed frame, so an export after a restart is of the bytes that went on air; the calls are
 * kept as placed, so a roster changed since does not rewrite who was called.
 */
import type { AckBody } from '../../../wire/kinds/ack.js';
import type { RosterId } from '../../roster/person.js';
import type { PlacedTarget } from '../call-board.js';
import type { EscalationAction } from '../escalation.js';

/** Where an imported warning came from (docs/cap.md §6 Import). */
export interface ImportedFrom {
  sender: string;
  identifier: string;
  /** `sent` as the CAP message wrote it. */
  sent: string;
}

export type DeskRecord =
  /** A warning sent, with the calls it opened. */
  | {
      t: 'warning';
      id: string;
      /** The signed frame, hex. */
      frame: string;
      at: number;
      by?: RosterId;
      imported?: ImportedFrom;
      targets: PlacedTarget[];
    }
  /** A kit confirmed it holds the warning (its node receipt). */
  | { t: 'delivered'; warning: string; kit: number; at: number }
  /**
   * An ack from a kit: a 'delivered', or one or more persons' answers; `made`, unix ms, when the
   * kit made it (absent when the kit's clock is not trusted, or in a journal of an earlier version).
   */
  | { t: 'ack'; kit: number; at: number; ack: AckBody; made?: number }
  /** A resend or a re-alarm carried out. */
  | { t: 'step'; action: Exclude<EscalationAction, { kind: 'superior' }>; at: number }
  /** A call's superiors called. */
  | { t: 'superiors'; warning: string; from: RosterId; targets: PlacedTarget[]; at: number }
  /** A cancel sent again toward a kit that has not confirmed it (cancel-delivery.ts). */
  | { t: 'cancel-resent'; cancel: string; kit: number; at: number };

/** Whether a parsed line is a record this version knows (a line of a later version is skipped). */
export function isDeskRecord(value: unknown): value is DeskRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const num = (k: string) => typeof r[k] === 'number';
  const str = (k: string) => typeof r[k] === 'string';
  switch (r.t) {
    case 'warning':
      return str('id') && str('frame') && num('at') && Array.isArray(r.targets);
    case 'delivered':
      return str('warning') && num('kit') && num('at');
    case 'ack':
      return num('kit') && num('at') && typeof r.ack === 'object' && r.ack !== null;
    case 'step':
      return num('at') && typeof r.action === 'object' && r.action !== null;
    case 'superiors':
      return str('warning') && num('from') && Array.isArray(r.targets) && num('at');
    case 'cancel-resent':
      return str('cancel') && num('kit') && num('at');
    default:
      return false;
  }
}

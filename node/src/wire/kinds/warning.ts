/**
 * Warning (预警): issue, update or cancel (docs/domain.md §Warnings, §预警叫应;
 * docs/wire-format.md §warning). Kind 2, always signed by an authorised issuer (Ed25519).
 *
 * The level (I–IV) and the colour are separate fields: not every hazard uses all four colours and
 * geological risk levels map to colours their own way, so neither is derived from the other.
 */

import { MAX_ROLE_CODE } from '../codes/roles.js';
import { areaCode, eventCode, geoPoint, messageRef, personRef, relativeTime } from '../field-codecs.js';
import { arrayOf, enumOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';

export const WARNING_ACTIONS = ['issue', 'update', 'cancel'] as const;
export const WARNING_COLOURS = ['none', 'red', 'orange', 'yellow', 'blue'] as const;

export const warningFields = {
  action: required(enumOf(WARNING_ACTIONS)),
  /** The issuer whose key signs this warning (control messages provision issuer keys). */
  issuer: required(uint(0xffff)),
  /** GB/T 35561-style event code, e.g. "11B03" 暴雨. */
  event: required(eventCode),
  /** 1 = I 特别严重 … 4 = IV 一般; 0 = no level. */
  level: required(uint(4)),
  colour: required(enumOf(WARNING_COLOURS)),
  /** Target areas (6/9/12-digit codes). */
  areas: required(arrayOf(areaCode, 64)),
  /** Roster roles that must answer (叫应), e.g. 防汛责任人. */
  roles: required(arrayOf(uint(MAX_ROLE_CODE), 16)),
  /** Effective from (unix seconds; relative to creation on the wire). */
  onset: required(relativeTime),
  expires: required(relativeTime),
  /** What people must do; typed by the issuer. */
  instruction: required(text(300)),
  /** The issuing office as the headline names it (某县气象台). */
  senderName: optional(text(64)),
  /** The warning this one updates or cancels. */
  references: optional(messageRef),
  /** Named persons that must answer, beyond the roles. */
  persons: optional(arrayOf(personRef, 64)),
  /** A target circle, for hazards that do not follow boundaries. */
  circle: optional(record({ centre: required(geoPoint), radiusM: required(uint(1_000_000)) })),
};

export type WarningBody = RecordOf<typeof warningFields>;

export function checkWarning(body: WarningBody): string | undefined {
  if (body.action !== 'issue' && !body.references)
    return `a warning ${body.action} must reference the warning`;
  if (body.action === 'issue' && body.references) return 'a new warning references none';
  if (body.expires <= body.onset) return 'a warning must expire after its onset';
  if (body.action !== 'cancel' && body.areas.length === 0 && !body.circle)
    return 'a warning needs areas or a circle';
  return undefined;
}

/**
 * Control from the centre: time, roster, issuer keys, settings, revoked nodes, floors and the
 * re-alarm of a warning (docs/design.md §Messages, §Security; docs/wire-format.md §4.5, §6.2,
 * §6.3; docs/warnings.md §Escalation). Kind 11, always signed by an authorised issuer.
 *
 * One control message may carry several parts; each part is an optional field, so a time beacon
 * costs a few bytes and a roster push needs no time.
 *
 * A roster entry carries no PIN and no PIN hash: control messages go on air and through relays
 * that every county radio can hear, and a 4–6 digit PIN's hash falls to a search of a million
 * guesses. Whatever a later element of an entry holds, this version does not read it.
 */

import { MAX_ROLE_CODE } from '../codes/roles.js';
import { areaCode, messageRef, personIndex, U32_MAX, unixTime } from '../field-codecs.js';
import { arrayOf, bytes, flagsOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';

/** The most persons one re-alarm names: a village's roster, as an ack's others. */
export const MAX_REALARM_PERSONS = 64;

/** What an issuer key may sign. */
export const ISSUER_POWERS = ['warning', 'control'] as const;

const rosterEntry = record({
  person: required(uint(0xffff)),
  roles: required(arrayOf(uint(MAX_ROLE_CODE), 8)),
  name: required(text(48)),
});

const issuerKey = record({
  id: required(uint(0xffff)),
  publicKey: required(bytes(32, 32)),
  powers: required(flagsOf(ISSUER_POWERS)),
  name: optional(text(64)),
  validUntil: optional(unixTime),
});

export const controlFields = {
  issuer: required(uint(0xffff)),
  /** The centre's clock, unix seconds (docs/design.md §Time: second in trust after GPS). */
  time: optional(unixTime),
  /** The roster of the destination kit's area, replacing the one it has. */
  roster: optional(record({ area: required(areaCode), persons: required(arrayOf(rosterEntry, 64)) })),
  /** Issuer keys to add or replace. */
  issuerKeys: optional(arrayOf(issuerKey, 8)),
  /** Issuer key ids to revoke. */
  revokeIssuers: optional(arrayOf(uint(0xffff), 16)),
  /** Numbered settings (defined with the daemon's configuration) and their values. */
  settings: optional(arrayOf(record({ key: required(uint(0xffff)), value: required(uint(2 ** 32)) }), 32)),
  /** Node ids whose frames are refused from now on (a lost or stolen kit): AUTH_REVOKED. */
  revokeNodes: optional(arrayOf(uint(U32_MAX), 64)),
  /**
   * The lowest sequence each named node may use next: the centre tells a kit whose store was lost
   * where to resume, so its new messages are not refused as replays of its old ones.
   */
  seqFloors: optional(arrayOf(record({ node: required(uint(U32_MAX)), floor: required(uint(U32_MAX)) }), 64)),
  /**
   * Per issuer, the lowest envelope seq still accepted from it: older signed messages of that
   * issuer are refused (AUTH_REPLAY), so a captured control message cannot be played back after
   * a later one undid it. Floors only move up.
   */
  issuerFloors: optional(
    arrayOf(record({ issuer: required(uint(0xffff)), minSeq: required(uint(U32_MAX)) }), 16),
  ),
  /**
   * Sound this warning again at the destination kit, for these persons still silent (the
   * escalation's re-alarm, docs/warnings.md §Escalation). A signed control message, so a kit sounds
   * again only for its centre and never for an old copy (the issuer ordering). Last, so the bytes
   * of every control message without one are what they were.
   */
  realarm: optional(
    record({ warning: required(messageRef), persons: required(arrayOf(personIndex, MAX_REALARM_PERSONS)) }),
  ),
};

export type ControlBody = RecordOf<typeof controlFields>;

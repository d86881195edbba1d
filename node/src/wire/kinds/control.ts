/**
 * Control from the centre: time, roster, issuer keys and settings (docs/design.md §Messages, §Security;
 * docs/wire-format.md §control). Kind 11, always signed by an authorised issuer.
 *
 * One control message may carry several parts; each part is an optional field, so a time beacon
 * costs a few bytes and a roster push needs no time.
 */

import { MAX_ROLE_CODE } from '../codes/roles.js';
import { areaCode, unixTime } from '../field-codecs.js';
import { arrayOf, bytes, flagsOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';

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
};

export type ControlBody = RecordOf<typeof controlFields>;

/**
 * The saved form of the signed state (docs/control-messages.md §Persistence): the one record kept
 * in the store's kv under `signed-state`, as plain data, and the check it passes field by field
 * when it is loaded, since a store record is not trusted to be well-formed. What the fields mean is
 * in §Revocation, §Floors, §Time, §Ordering per issuer and §Warning threads; SignedState
 * (signed-state.ts) changes a copy of it and saves it before the change takes effect.
 */
import type { IssuerPower } from '../crypto/authenticate.js';
import type { Thread } from './warning-threads.js';

/** The store kv key the record is kept under. */
export const SIGNED_STATE_KV_KEY = 'signed-state';

export interface RosterPerson {
  person: number;
  roles: number[];
  name: string;
}

/** An issuer key added by a control message, as saved. */
export interface SavedKey {
  /** Raw Ed25519 public key, hex. */
  publicKey: string;
  powers: IssuerPower[];
  name?: string;
  validUntil?: number;
}

/** The saved form: plain data, CBOR- and JSON-able; numeric ids as string keys. */
export interface SignedStateRecord {
  v: 1;
  keys: Record<string, SavedKey>;
  revokedIssuers: number[];
  revokedNodes: number[];
  issuerFloors: Record<string, number>;
  seqFloor: number;
  /** Unix seconds; 0 when none was heard. */
  signedTime: number;
  /** `issuer/origin` → highest control seq applied. */
  controlSeqs: Record<string, number>;
  rosters: Record<string, RosterPerson[]>;
  settings: Record<string, number>;
  threads: Record<string, Thread>;
}

/** The state of a node that has applied nothing. */
export const emptyRecord = (): SignedStateRecord => ({
  v: 1,
  keys: {},
  revokedIssuers: [],
  revokedNodes: [],
  issuerFloors: {},
  seqFloor: 0,
  signedTime: 0,
  controlSeqs: {},
  rosters: {},
  settings: {},
  threads: {},
});

/** The saved state, checked field by field; a TypeError naming the first bad field otherwise. */
export function checkRecord(raw: unknown): SignedStateRecord {
  const s = raw as SignedStateRecord;
  if (typeof s !== 'object' || s === null || s.v !== 1) throw new TypeError('not a version 1 signed state');
  const uint = (x: unknown, what: string) => {
    if (!Number.isSafeInteger(x) || (x as number) < 0) throw new TypeError(`${what} is not a count`);
  };
  const dict = <T>(x: unknown, what: string, each: (v: T, k: string) => void) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new TypeError(`${what} is not a map`);
    for (const [k, v] of Object.entries(x)) each(v as T, `${what}.${k}`);
  };
  const list = (x: unknown, what: string) => {
    if (!Array.isArray(x)) throw new TypeError(`${what} is not a list`);
    for (const [i, v] of x.entries()) uint(v, `${what}[${i}]`);
  };
  list(s.revokedIssuers, 'revokedIssuers');
  list(s.revokedNodes, 'revokedNodes');
  uint(s.seqFloor, 'seqFloor');
  uint(s.signedTime, 'signedTime');
  dict<number>(s.issuerFloors, 'issuerFloors', uint);
  dict<number>(s.controlSeqs, 'controlSeqs', uint);
  dict<number>(s.settings, 'settings', uint);
  dict<SavedKey>(s.keys, 'keys', (k, what) => {
    if (!/^[0-9a-f]{64}$/.test(String(k?.publicKey))) throw new TypeError(`${what}.publicKey is not a key`);
    if (!Array.isArray(k.powers) || !k.powers.every((p) => p === 'warning' || p === 'control'))
      throw new TypeError(`${what}.powers are unknown`);
    if (k.validUntil !== undefined) uint(k.validUntil, `${what}.validUntil`);
  });
  dict<RosterPerson[]>(s.rosters, 'rosters', (r, what) => {
    if (!Array.isArray(r) || !r.every((p) => typeof p?.name === 'string' && Array.isArray(p.roles)))
      throw new TypeError(`${what} is not a roster`);
  });
  dict<Thread>(s.threads, 'threads', (t, what) => {
    uint(t?.keepUntil, `${what}.keepUntil`);
    for (const f of ['origin', 'seq', 'createdAt'] as const) uint(t.head?.[f], `${what}.head.${f}`);
    if (!['issue', 'update', 'cancel'].includes(t.head.action) || typeof t.closed !== 'boolean')
      throw new TypeError(`${what} is not a thread`);
  });
  return s;
}

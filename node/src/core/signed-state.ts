/**
 * The state that verified, issuer-signed messages build at a node (docs/control-messages.md;
 * docs/wire-format.md §4, §4.2, §6.2, §6.3): issuer keys added and revoked, revoked nodes, issuer
 * floors, this node's sequence floor, the latest signed time, the roster of each area, settings,
 * the order of the control messages applied per issuer, and the current warning of each thread.
 * A control message's re-alarm changes none of it: it only takes its place in its issuer's order,
 * and the kit's warning book acts on it when it is current (controlStanding).
 *
 * It is security state: kept in the store's kv under one key, and every change is saved, synced,
 * before it takes effect (in memory, and through the callbacks), so a restart never forgets a
 * revocation. Changes are made on a copy that replaces the state only once it is on disk.
 *
 * This file holds the class: applying control messages and the key ring wrapper. The saved form and
 * its check at load are in signed-state-record.ts; the thread rules in warning-threads.ts.
 */
import type { KeyObject } from 'node:crypto';
import { isKitError, KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { IssuerKey, KeyRing } from '../crypto/authenticate.js';
import { publicKeyFromRaw } from '../crypto/ed25519.js';
import type { MessageStore } from '../store/message-store.js';
import type { MessageOf } from '../wire/message.js';
import './signed-state-errors.js';
import {
  checkRecord,
  emptyRecord,
  type RosterPerson,
  SIGNED_STATE_KV_KEY,
  type SignedStateRecord,
} from './signed-state-record.js';
import {
  classifyOnThread,
  DEFAULT_KEEP_THREADS_DAYS,
  pruneThreads,
  recordOnThread,
  type WarningClass,
} from './warning-threads.js';

export type { RosterPerson, WarningClass };
export { DEFAULT_KEEP_THREADS_DAYS };

export interface SignedStateOptions {
  /** The store whose kv keeps the state (key `signed-state`). */
  store: MessageStore;
  /** This node's id: a seqFloors entry naming it goes to onSeqFloor; entries for others are ignored. */
  nodeId: number;
  /** The node's clock, unix ms, and whether it is trusted: only a trusted clock prunes threads. */
  clock: { now(): number; trusted(): boolean };
  /** The time a control message was signed at the centre, unix ms: a lower bound for the clock. Default: none. */
  onSignedTime?: (ms: number) => void;
  /** The centre set this node's next sequence to at least `floor` (its store was lost). Default: none. */
  onSeqFloor?: (floor: number) => void;
  /** A node was revoked, called once per node, after the revocation is on disk. Default: none. */
  onRevokedNode?: (node: number) => void;
  /** Days a warning thread is kept after its last expiry (see §Bounds in the docs). Default 30. */
  keepThreadsDays?: number;
  log: Logger;
}

/** What a control message changed (empty lists when nothing of that part changed). */
export interface ControlChanges {
  /** false when the message is history (or below its issuer's floor): it changed nothing. */
  applied: boolean;
  /** Why it was not applied. */
  reason?: string;
  /** Issuer keys added or replaced. */
  keysAdded: number[];
  /** Issuer keys not added because their id is revoked (revocation is for good). */
  keysRefused: number[];
  issuersRevoked: number[];
  nodesRevoked: number[];
  floorsRaised: Array<{ issuer: number; minSeq: number }>;
  /** This node's new sequence floor, when the message raised it. */
  seqFloor?: number;
  /** The control message's signed time, unix seconds (passed on to onSignedTime in ms). */
  signedTime?: number;
  /** The area whose roster was replaced, and how many persons it now has. */
  roster?: { area: number; persons: number };
  /** Setting keys stored (nothing acts on settings yet). */
  settings?: number[];
}

/** For the log only: where the message came from (a MessageMeta fits). */
export interface ApplyContext {
  id?: string;
  prevHop?: { link: string };
}

export class SignedState {
  readonly #o: SignedStateOptions;
  #state = emptyRecord();
  #base: KeyRing | undefined;
  /** Public keys decoded once, by hex. */
  readonly #keyObjects = new Map<string, KeyObject>();
  /** Serialises changes: each one copies, saves and swaps the state in turn. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: SignedStateOptions) {
    this.#o = options;
  }

  /** Loads the saved state. SIGNED_STATE_CORRUPT when it cannot be read: do not start without it. */
  async start(): Promise<void> {
    let saved: unknown;
    try {
      saved = await this.#o.store.getKv<unknown>(SIGNED_STATE_KV_KEY);
    } catch (err) {
      if (!isKitError(err, 'STORE_CORRUPT')) throw err;
      throw new KitError('SIGNED_STATE_CORRUPT', 'the saved signed state cannot be decoded', { cause: err });
    }
    if (saved === undefined) return;
    try {
      this.#state = checkRecord(saved);
    } catch (cause) {
      throw new KitError('SIGNED_STATE_CORRUPT', 'the saved signed state is malformed', { cause });
    }
    const s = this.#state;
    this.#o.log.info(
      {
        issuerKeys: Object.keys(s.keys).length,
        revokedIssuers: s.revokedIssuers.length,
        revokedNodes: s.revokedNodes.length,
        threads: Object.keys(s.threads).length,
      },
      'signed state loaded',
    );
  }

  /**
   * A key ring over the configured one that also knows what control messages changed: issuer keys
   * added (they replace a configured key of the same id), revoked issuers (configured keys too),
   * revoked nodes (none of their keys is given out) and issuer floors. It reads the live state.
   * The node has one configured ring; the state remembers it to check control signers.
   */
  keys(base: KeyRing): KeyRing {
    if (this.#base !== undefined && this.#base !== base)
      throw new TypeError('a signed state wraps one key ring');
    this.#base = base;
    const revoked = (node: number) => base.revoked(node) || this.#state.revokedNodes.includes(node);
    return {
      macKey: (node) => (revoked(node) ? undefined : base.macKey(node)),
      relayKey: (node) => (revoked(node) ? undefined : base.relayKey(node)),
      nodeKey: (node) => (revoked(node) ? undefined : base.nodeKey(node)),
      isCentre: (node) => base.isCentre(node),
      revoked,
      issuerKey: (id) => this.#issuerKey(base, id),
      issuerFloor: (id) => this.#floor(base, id),
    };
  }

  /** This node's sequence floor from the centre (0 when none): take the max with the saved seq at start. */
  seqFloor(): number {
    return this.#state.seqFloor;
  }

  /** The latest signed time heard, unix seconds (0 when none): a lower bound for the clock at start. */
  signedTime(): number {
    return this.#state.signedTime;
  }

  /** The latest roster pushed for an area (indexes, roles and names; never PINs). */
  roster(area: number): readonly RosterPerson[] | undefined {
    return this.#state.rosters[String(area)];
  }

  /** Numbered settings as the centre last set them. Stored only: nothing acts on them yet. */
  settings(): ReadonlyMap<number, number> {
    return new Map(Object.entries(this.#state.settings).map(([k, v]) => [Number(k), v]));
  }

  /**
   * Applies a verified control message and saves the result (synced) before resolving; the
   * callbacks run after the save. One at or below the highest control seq already applied from its
   * issuer and origin, or below its issuer's floor, is history and changes nothing. Throws
   * AUTH_NOT_AUTHORISED when the signer, as this ring knows it now, lacks the `control` power.
   */
  applyControl(message: MessageOf<'control'>, meta?: ApplyContext): Promise<ControlChanges> {
    return this.#serial(async () => {
      const base = this.#base;
      if (base === undefined) throw new TypeError('call keys() before applyControl()');
      const { body, origin, seq } = message;
      const changes: ControlChanges = {
        applied: false,
        keysAdded: [],
        keysRefused: [],
        issuersRevoked: [],
        nodesRevoked: [],
        floorsRaised: [],
      };
      const log = this.#o.log.child({ msgId: meta?.id ?? `${origin}/${seq}`, link: meta?.prevHop?.link });
      const order = `${body.issuer}/${origin}`;
      const last = this.#state.controlSeqs[order];
      const floor = this.#floor(base, body.issuer);
      if (seq < floor) {
        changes.reason = `below issuer ${body.issuer}'s floor ${floor}`;
        log.info({ reason: changes.reason }, 'control message is history; nothing changed');
        return changes;
      }
      // A late one (overtaken by a newer one of its issuer) still tightens: revocations, floors and
      // the signed time only ever move one way, so applying them late is never wrong, and a
      // revocation must not be lost because another control message overtook it. What a newer
      // message may have replaced (keys added, the roster, settings) is not applied.
      const late = last !== undefined && seq <= last;
      if (late) changes.reason = `control ${origin}/${last} of issuer ${body.issuer} was applied already`;
      // verifyFrame checked this; checked again so that nothing but a control signer changes keys.
      const signer = this.#issuerKey(base, body.issuer);
      if (!signer?.powers.includes('control')) {
        throw new KitError('AUTH_NOT_AUTHORISED', `issuer ${body.issuer} may not sign control messages`);
      }

      const next = structuredClone(this.#state);
      if (!late) next.controlSeqs[order] = seq;
      // Revocations first: a key the same message adds under a revoked id stays refused.
      for (const id of body.revokeIssuers ?? []) {
        if (next.revokedIssuers.includes(id)) continue;
        next.revokedIssuers.push(id);
        delete next.keys[String(id)];
        changes.issuersRevoked.push(id);
      }
      for (const k of late ? [] : (body.issuerKeys ?? [])) {
        // Revocation is for good: a late control message from another origin must not bring a
        // revoked key back. A new key takes a new id.
        if (next.revokedIssuers.includes(k.id)) {
          changes.keysRefused.push(k.id);
          continue;
        }
        next.keys[String(k.id)] = {
          publicKey: Buffer.from(k.publicKey).toString('hex'),
          powers: [...k.powers],
          ...(k.name !== undefined ? { name: k.name } : {}),
          ...(k.validUntil !== undefined ? { validUntil: k.validUntil } : {}),
        };
        changes.keysAdded.push(k.id);
      }
      for (const node of body.revokeNodes ?? []) {
        if (next.revokedNodes.includes(node)) continue;
        next.revokedNodes.push(node);
        changes.nodesRevoked.push(node);
      }
      for (const { issuer, minSeq } of body.issuerFloors ?? []) {
        if (minSeq <= (next.issuerFloors[String(issuer)] ?? 0)) continue; // floors only move up
        next.issuerFloors[String(issuer)] = minSeq;
        changes.floorsRaised.push({ issuer, minSeq });
      }
      for (const { node, floor: f } of body.seqFloors ?? []) {
        if (node !== this.#o.nodeId || f <= next.seqFloor) continue;
        next.seqFloor = f;
        changes.seqFloor = f;
      }
      // A time past the signing key's own end is refused: a leaked, expired control key must not
      // push every kit's clock into the future, where every warning looks expired.
      const timeOk =
        body.time !== undefined && (signer.validUntil === undefined || body.time <= signer.validUntil);
      if (body.time !== undefined && !timeOk)
        log.warn({ issuer: body.issuer, time: body.time }, "signed time after the key's validUntil refused");
      if (timeOk && body.time !== undefined && body.time > next.signedTime) {
        next.signedTime = body.time;
        changes.signedTime = body.time;
      }
      if (body.roster && !late) {
        // Copied field by field: whatever else an entry held is not kept.
        next.rosters[String(body.roster.area)] = body.roster.persons.map((p) => ({
          person: p.person,
          roles: [...p.roles],
          name: p.name,
        }));
        changes.roster = { area: body.roster.area, persons: body.roster.persons.length };
      }
      if (body.settings && !late) {
        for (const { key, value } of body.settings) next.settings[String(key)] = value;
        changes.settings = body.settings.map((s) => s.key);
      }

      const tightened =
        changes.issuersRevoked.length + changes.nodesRevoked.length + changes.floorsRaised.length > 0 ||
        changes.seqFloor !== undefined ||
        changes.signedTime !== undefined;
      if (late && !tightened) {
        log.info({ reason: changes.reason }, 'control message is history; nothing changed');
        return changes;
      }
      await this.#save(next);
      this.#state = next;
      changes.applied = !late;
      log.info(
        { issuer: body.issuer, late, ...changes },
        late ? 'late control message: its revocations and floors applied' : 'control message applied',
      );
      if (changes.keysRefused.length > 0)
        log.warn({ issuers: changes.keysRefused }, 'issuer keys under revoked ids refused');
      if (changes.settings)
        log.info({ settings: changes.settings }, 'settings stored; nothing acts on them yet');
      if (changes.signedTime !== undefined) this.#o.onSignedTime?.(changes.signedTime * 1000);
      if (changes.seqFloor !== undefined) this.#o.onSeqFloor?.(changes.seqFloor);
      for (const node of changes.nodesRevoked) this.#o.onRevokedNode?.(node);
      return changes;
    });
  }

  /**
   * Where a control message stands in its issuer's order (docs/control-messages.md §Ordering per
   * issuer), once applyControl has seen it: history when a newer one from the same issuer and
   * origin was applied first, or when it is below its issuer's floor; current otherwise. What
   * acts on a control message beyond this state (a kit's re-alarm, which changes nothing here)
   * acts only on a current one, so an old copy arriving late sounds nothing.
   */
  controlStanding(message: MessageOf<'control'>): { current: boolean; reason?: string } {
    const { body, origin, seq } = message;
    const floor = this.#base
      ? this.#floor(this.#base, body.issuer)
      : (this.#state.issuerFloors[String(body.issuer)] ?? 0);
    if (seq < floor) return { current: false, reason: `below issuer ${body.issuer}'s floor ${floor}` };
    const last = this.#state.controlSeqs[`${body.issuer}/${origin}`];
    if (last !== undefined && last > seq)
      return {
        current: false,
        reason: `control ${origin}/${last} of issuer ${body.issuer} was applied first`,
      };
    return { current: true };
  }

  /**
   * Where a warning stands on its thread (issuer, first warning), without recording it. The
   * newest warning recorded on a thread is its current state; one no newer is history.
   */
  classifyWarning(message: MessageOf<'warning'>): WarningClass {
    const { issuer } = message.body;
    const floor = this.#base
      ? this.#floor(this.#base, issuer)
      : (this.#state.issuerFloors[String(issuer)] ?? 0);
    return classifyOnThread(this.#state.threads, message, floor);
  }

  /**
   * Classifies a warning and, when it is current, makes it the head of its thread; saved, synced.
   * Call only once the message is stored: recorded first, a failed store would leave the warning
   * itself history when it comes again. Also prunes threads long expired.
   */
  recordWarning(message: MessageOf<'warning'>, meta?: ApplyContext): Promise<WarningClass> {
    return this.#serial(async () => {
      const verdict = this.classifyWarning(message);
      const { body, origin, seq } = message;
      const log = this.#o.log.child({ msgId: meta?.id ?? `${origin}/${seq}`, thread: verdict.thread });
      if (!verdict.current) log.info({ reason: verdict.reason }, 'older warning is history, not current');
      const next = structuredClone(this.#state);
      const { changed, reopened } = recordOnThread(next.threads, message, verdict);
      const pruned = this.#prune(next);
      if (!changed && pruned.length === 0) return verdict;
      await this.#save(next);
      this.#state = next;
      if (pruned.length > 0) log.info({ pruned }, 'expired warning threads forgotten');
      if (!verdict.current) return verdict;
      if (reopened) log.info({ action: body.action }, 'warning thread re-opened by its issuer');
      else log.info({ action: body.action, closed: verdict.closed }, 'warning is current on its thread');
      return verdict;
    });
  }

  #issuerKey(base: KeyRing, id: number): IssuerKey | undefined {
    if (this.#state.revokedIssuers.includes(id)) return undefined;
    const saved = this.#state.keys[String(id)];
    if (saved === undefined) return base.issuerKey(id);
    let publicKey = this.#keyObjects.get(saved.publicKey);
    if (publicKey === undefined) {
      publicKey = publicKeyFromRaw(Buffer.from(saved.publicKey, 'hex'));
      this.#keyObjects.set(saved.publicKey, publicKey);
    }
    return {
      publicKey,
      powers: saved.powers,
      ...(saved.validUntil !== undefined ? { validUntil: saved.validUntil } : {}),
    };
  }

  #floor(base: KeyRing, issuer: number): number {
    return Math.max(base.issuerFloor(issuer), this.#state.issuerFloors[String(issuer)] ?? 0);
  }

  /** Drops threads long expired (see pruneThreads), by a trusted clock only: an untrusted one expires nothing. */
  #prune(next: SignedStateRecord): string[] {
    if (!this.#o.clock.trusted()) return [];
    const nowS = Math.floor(this.#o.clock.now() / 1000);
    return pruneThreads(next.threads, nowS, this.#o.keepThreadsDays ?? DEFAULT_KEEP_THREADS_DAYS);
  }

  async #save(next: SignedStateRecord): Promise<void> {
    await this.#o.store.putKv({ [SIGNED_STATE_KV_KEY]: next }, true);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => {});
    return run;
  }
}

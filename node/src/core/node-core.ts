/**
 * The store-and-forward core of one node (docs/store-and-forward.md; docs/design.md §Architecture, §Messages, §Security):
 * messages made here are encoded, authenticated, stored and routed; frames from links are
 * unbatched and reassembled (inbound-payloads.ts), decoded and deduplicated; what is addressed
 * here is verified, kept in the inbox and confirmed to the hop it came from (its origin, or a relay
 * that vouches for it on its way back: confirmations.ts); what is not is taken into custody,
 * confirmed to the previous hop, and routed on. Every state change is one store change, staged
 * under the store's lock; a confirmation about it leaves the node only once the group holding it
 * is synced (docs/store-and-forward.md §Group commit). The numbers its messages take are
 * sequence-counter.ts's; the deadlines it stored move with a clock step in deadline-rebase.ts.
 */

import { EventEmitter } from 'node:events';
import { KitError } from '../base/errors.js';
import { type KeyRing, macKeyNode } from '../crypto/authenticate.js';
import { hopTag } from '../crypto/hop-tag.js';
import type { InboundFrame } from '../link/link.js';
import { addEvent, type MessageMeta, messageId } from '../store/records.js';
import { type Destination, type Priority, WIRE_EPOCH } from '../wire/envelope.js';
import { wrapHopTagged } from '../wire/hop-tagged.js';
import { KINDS } from '../wire/kinds.js';
import { type Authenticator, decodeFrame, encodeMessage, type Message } from '../wire/message.js';
import { authenticatorFor, isForNode } from './addressing.js';
import { applyReceipt } from './apply-receipt.js';
import { Beacons } from './beacons.js';
import { bearerPreference } from './bearer-preference.js';
import { confirmsDuplicate, sentToward } from './confirmations.js';
import { Confirmer } from './confirmer.js';
import type { Draft, NodeCoreEvents, NodeCoreOptions } from './core-types.js';
import { knownHop, neighboursOn, reopenTowardCustodian } from './custody-chain.js';
import { rebaseDeadlines } from './deadline-rebase.js';
import { Dispatcher } from './dispatcher.js';
import { DEFAULT_RETENTION_MS, Expiry } from './expiry.js';
import { type ForeignPayload, ForeignPayloads } from './foreign-payloads.js';
import { checkInbound } from './inbound-check.js';
import { InboundPayloads } from './inbound-payloads.js';
import { isBroadcast, newMeta } from './new-meta.js';
import type { RouteChoice } from './routing-table.js';
import { SavedReplayWindow } from './saved-replay-window.js';
import { SequenceCounter } from './sequence-counter.js';
import { SignedState } from './signed-state.js';
import { UncheckedRelay } from './unchecked-relay.js';

export type { CoreLink, Draft, NodeCoreEvents, NodeCoreOptions } from './core-types.js';
export type { ForeignPayload } from './foreign-payloads.js';

/** How long an origin waits for the end-to-end receipt after custody before asking again. */
export const DEFAULT_RECEIPT_WAIT_MS = 600_000;

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

export class NodeCore extends EventEmitter<NodeCoreEvents> {
  readonly #o: NodeCoreOptions;
  readonly #dispatchers = new Map<string, Dispatcher>();
  readonly #replay: SavedReplayWindow;
  readonly #confirmer: Confirmer;
  readonly #beacons: Beacons;
  readonly #expiry: Expiry;
  readonly #foreign: ForeignPayloads;
  readonly #inbound: InboundPayloads;
  readonly #unchecked: UncheckedRelay;
  /** Inbound payloads the duty officer released (release()): their sender need not be enrolled. */
  readonly #released = new WeakMap<InboundFrame, string[]>();
  /** What signed control messages built here: revocations, issuer keys and floors, warning threads. */
  readonly #signed: SignedState;
  /** The configured keys, as signed control messages amend them (signed-state.ts). */
  readonly #keys: KeyRing;
  readonly #sequence: SequenceCounter;
  get #repeats(): number {
    return this.#o.broadcastRepeats ?? 3;
  }
  readonly #onFrame = (f: InboundFrame) => void this.#inbound.receive(f);

  constructor(options: NodeCoreOptions) {
    super();
    this.#o = options;
    this.#replay = new SavedReplayWindow(options.store, options.log);
    this.#sequence = new SequenceCounter({
      store: options.store,
      log: options.log,
      ...(options.sequenceFloor !== undefined ? { floor: options.sequenceFloor } : {}),
      ...(options.freshSequenceStart ? { freshStart: options.freshSequenceStart } : {}),
    });
    this.#signed = new SignedState({
      store: options.store,
      nodeId: options.nodeId,
      clock: options.clock,
      onSignedTime: (ms) => options.clock.observeSignedLowerBound?.(ms, 'a signed control message'),
      // Called inside the store's lock: queued, not awaited.
      onSeqFloor: (floor) => void this.#sequence.raiseFloor(floor),
      onRevokedNode: (node) =>
        options.log.warn({ node }, 'node revoked by the centre: its frames are refused'),
      log: options.log.child({ mod: 'signed' }),
    });
    this.#keys = this.#signed.keys(options.keys);
    this.#foreign = new ForeignPayloads({ log: options.log, now: () => options.clock.now() });
    this.#inbound = new InboundPayloads({
      log: options.log,
      takeMessage: (frame, inbound, hopTag) => this.#receiveMessage(frame, inbound, hopTag),
      onRejected: (rejection, inbound) => {
        this.#noteReleased(inbound, `refused: ${rejection.code}: ${rejection.detail}`);
        this.emit('rejected', rejection);
      },
      onForeign: (item) => {
        this.#foreign.keep(item);
        this.emit('foreign', item);
      },
    });
    this.#unchecked = new UncheckedRelay({
      links: options.links,
      routesFor: (dest, cameFrom) => this.#choices(dest, 3, options.clock.now(), cameFrom),
      now: () => options.clock.now(),
      log: options.log,
    });
    this.#confirmer = new Confirmer(options, {
      frameSize: (draft, via) => this.#prepare(draft, undefined, via, this.#sequence.next).frame.length,
      submit: async (draft, via) => {
        const staged = await options.store.exclusive(() => this.#stageOwn(draft, undefined, via));
        await this.#ownStored(staged);
      },
    });
    this.#expiry = new Expiry({
      store: options.store,
      now: () => options.clock.now(),
      scanMs: options.expiryScanMs ?? 5000,
      retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
      log: options.log,
      onExpired: (meta) => this.emit('state', meta),
    });
    this.#beacons = new Beacons({
      nodeId: options.nodeId,
      links: options.links,
      routes: options.routes,
      keys: this.#keys,
      identity: options.identity,
      clock: options.clock,
      replay: this.#replay,
      nextSeq: () => this.#sequence.takeAlone(),
      onNewPath: () => this.#rerouteWaiting(),
      log: options.log.child({ mod: 'beacons' }),
    });
  }

  get nodeId(): number {
    return this.#o.nodeId;
  }

  /**
   * Takes in again a payload kept as foreign because a device that is not enrolled sent it on a
   * satellite door (reason 'unknown-sender'): the duty officer vouches for the device
   * (docs/security.md §The centre's doors). The frame is checked like any other; only the
   * question "is the sending device enrolled?" is skipped. Resolves, once it was looked at, to
   * what became of it, in words for the duty officer (taken in, a duplicate, refused and why).
   */
  async release(item: { link: string; from?: string; bytes: Uint8Array }): Promise<string[]> {
    const inbound: InboundFrame = {
      link: item.link,
      bytes: Uint8Array.from(item.bytes),
      ...(item.from !== undefined ? { meta: { from: item.from } } : {}),
      receivedAt: this.#o.clock.now(),
    };
    const outcome: string[] = [];
    this.#released.set(inbound, outcome);
    this.#o.log.warn({ link: item.link, from: item.from }, 'a kept frame released by the duty officer');
    await this.#inbound.receive(inbound);
    return outcome.length > 0 ? outcome : ['nothing came of it: no whole fieldnode message in it'];
  }

  /** Notes what became of a released payload (release()); nothing for any other. */
  #noteReleased(inbound: InboundFrame, what: string): void {
    this.#released.get(inbound)?.push(what);
  }

  /** The payloads kept because they are not fieldnode frames: the latest ones, and how many in all. */
  foreignPayloads(): { recent: readonly ForeignPayload[]; total: number } {
    return { recent: this.#foreign.items(), total: this.#foreign.total };
  }

  async start(): Promise<void> {
    const { store, links, log } = this.#o;
    await this.#signed.start();
    const signedTime = this.#signed.signedTime();
    if (signedTime > 0)
      this.#o.clock.observeSignedLowerBound?.(signedTime * 1000, 'the signed time kept in the store');
    await this.#sequence.start(this.#signed.seqFloor());
    await this.#replay.start();
    for (const { link, sharing } of links) {
      const dispatcher = new Dispatcher({
        link,
        // A billed link's holds and budget (docs/store-and-forward.md §Satellite).
        ...(sharing ? { sharing } : {}),
        onBudgetAlarm: (alarm) => this.emit('budget', alarm),
        store,
        retry: this.#o.retry,
        receiptWaitMs: this.#o.receiptWaitMs ?? DEFAULT_RECEIPT_WAIT_MS,
        // The peer's held confirmations are overdue by then and go as soon as its side is up.
        upGraceMs: this.#o.receiptDelayMs ?? 2000,
        now: () => this.#o.clock.now(),
        random: this.#o.random ?? Math.random,
        log: log.child({ mod: 'dispatch', link: link.id }),
        onExpired: (id) => this.#expiry.expire(id),
        onOutcome: (meta) => this.emit('state', meta),
      });
      this.#dispatchers.set(link.id, dispatcher);
      link.on('frame', this.#onFrame);
      link.on('state', (s) => {
        if (s.status === 'up') dispatcher.linkUp();
      });
      dispatcher.kick();
    }
    this.#expiry.start();
    this.#beacons.start(this.#o.beaconIntervalMs ?? 300_000);
    // The configuration may name a route it did not before the restart.
    void this.#rerouteWaiting().catch((err) =>
      log.error({ err }, 'routing the waiting messages failed; a new path will try again'),
    );
  }

  /**
   * Stops sending at once (nothing new goes to a link after this call returns), then saves what is
   * pending and waits for the sends in flight to be recorded. The caller stops the links meanwhile
   * (app.ts), which settles sends that would otherwise wait for an ACK or a satellite session.
   */
  async stop(): Promise<void> {
    const expiryStopped = this.#expiry.stop();
    this.#beacons.stop();
    const dispatchers = Promise.all([...this.#dispatchers.values()].map((d) => d.stop()));
    await this.#confirmer.stop();
    await dispatchers;
    for (const { link } of this.#o.links) link.off('frame', this.#onFrame);
    await expiryStopped;
    await this.#replay.stop();
  }

  /**
   * Raises the next sequence number to at least `floor` (the centre's word for a kit that lost its
   * store: a signed control message); never lowers it.
   */
  raiseSequenceFloor(floor: number): Promise<void> {
    return this.#sequence.raiseFloor(floor);
  }

  /**
   * The clock was stepped by `stepMs` (a first GPS fix after a power cut can move it by days, or
   * from 1970 by decades). Every deadline this node set by the old clock moves with it, so a
   * message written before the fix neither expires at once nor waits for years (docs/time.md).
   */
  async clockStepped(stepMs: number): Promise<void> {
    const moved = await rebaseDeadlines(stepMs, { store: this.#o.store, log: this.#o.log });
    // What is due when changed: every dispatcher reads its outbox again.
    if (moved !== undefined) for (const d of this.#dispatchers.values()) d.kick();
  }

  /** Encodes, authenticates, stores (synced) and routes a message made here; returns its id. */
  async submit(draft: Draft, auth?: Authenticator): Promise<string> {
    const staged = await this.#o.store.exclusive(() => this.#stageOwn(draft, auth));
    return this.#ownStored(staged);
  }

  /**
   * Takes the next sequence number for a message made here and stages it in the store's open
   * group (message-store.ts admit()), under the store's lock; the caller waits for the group
   * outside it, so that concurrent submits and arrivals share one batch and one sync.
   */
  async #stageOwn(draft: Draft, auth?: Authenticator, via?: { link: string; to?: string }) {
    const seq = this.#sequence.next;
    const { meta, frame, message } = this.#prepare(draft, auth, via, seq);
    await this.#applyOwn(message);
    const stored = this.#sequence.stage(seq, (kv) => this.#o.store.admit(meta, frame, { sync: true, kv }));
    return { meta, stored };
  }

  /** Once the message is synced, and only then, it is routed and reported. */
  async #ownStored({ meta, stored }: { meta: MessageMeta; stored: Promise<unknown> }): Promise<string> {
    await stored;
    this.#kick(meta);
    this.emit('state', meta);
    return meta.id;
  }

  /** Encodes and routes a message made here, without storing it yet. */
  #prepare(
    draft: Draft,
    auth: Authenticator | undefined,
    via: { link: string; to?: string } | undefined,
    seq: number,
  ) {
    const nowMs = this.#o.clock.now();
    const message = {
      kind: draft.kind,
      origin: this.#o.nodeId,
      seq,
      createdAt: Math.max(WIRE_EPOCH, Math.floor(nowMs / 1000)),
      clockUntrusted: !this.#o.clock.trusted(),
      priority: draft.priority,
      lifetimeMin: draft.lifetimeMin,
      dest: draft.dest,
      flags: draft.flags ?? [],
      body: draft.body,
    } as Message;
    const authenticator = auth ?? this.#authFor(message);
    const frame = encodeMessage(message, authenticator);
    const meta = newMeta(
      { ...message, kindCode: KINDS[message.kind].code },
      { local: true, forMe: false, receipt: message.kind === 'receipt', broadcastRepeats: this.#repeats },
    );
    if (authenticator.scheme === 'mac') {
      // The hop tag, for the relays that hold the kit's relay key but not its end-to-end key.
      const kit = macKeyNode(message, this.#keys);
      const relayKey = kit === undefined ? undefined : this.#keys.relayKey(kit);
      if (relayKey) meta.hopTag = hopTag(relayKey, frame);
    }
    this.#route(meta, via);
    addEvent(meta, { at: nowMs, state: 'queued' });
    return { meta, frame, message };
  }

  /**
   * A control message made here binds this node too (the centre that revokes a kit refuses it
   * itself, whichever relay has not heard yet). Applied before it is stored, as one received is.
   */
  async #applyOwn(message: Message): Promise<void> {
    if (message.kind === 'control') await this.#signed.applyControl(message);
  }

  /** Kit messages to or from the centre carry the shared MAC; anything else this node's signature. */
  #authFor(message: Message): Authenticator {
    return authenticatorFor(message, { ...this.#o, keys: this.#keys });
  }

  /** Fills the meta's outbox entries from the routing table (or the given link). */
  #route(
    meta: MessageMeta,
    via?: { link: string; to?: string },
    avoidHop?: string,
    waitingSinceMs?: number,
  ): void {
    const now = this.#o.clock.now();
    const choices: RouteChoice[] = via
      ? [{ link: via.link, dueAt: now, ...(via.to ? { nextHop: via.to } : {}) }]
      : // A relayed message whose times cannot be trusted waits from when it came here.
        this.#choices(meta.dest, meta.priority, waitingSinceMs ?? meta.createdAt * 1000, avoidHop);
    for (const c of choices) {
      meta.out[c.link] = c.dueAt;
      if (c.nextHop) meta.nextHop[c.link] = c.nextHop;
    }
  }

  /** Where the routing table sends a message now, never back to `avoidHop`. */
  #choices(dest: Destination, priority: Priority, createdAtMs: number, avoidHop?: string): RouteChoice[] {
    const classes = new Map(this.#o.links.map((l) => [l.link.id, l.costClass]));
    const links = new Map(this.#o.links.map((l) => [l.link.id, l.link]));
    return this.#o.routes
      .choose(dest, {
        priority,
        createdAtMs,
        now: this.#o.clock.now(),
        latencyBoundMs: this.#o.latencyBoundMs,
        linkClass: (id) => classes.get(id),
        isCentre: this.#keys.isCentre,
        // Two bearers of one class: what each declares decides, per priority.
        preference: (id, p) => {
          const link = links.get(id);
          return link ? bearerPreference(link.capabilities, p) : [];
        },
      })
      .filter((c) => c.nextHop === undefined || c.nextHop !== avoidHop);
  }

  #kick(meta: MessageMeta): void {
    for (const link of Object.keys(meta.out)) this.#dispatchers.get(link)?.kick();
  }

  #isForMe(dest: Destination): boolean {
    return isForNode(dest, this.#o);
  }

  async #receiveMessage(bytes: Uint8Array, inbound: InboundFrame, hopTag?: Uint8Array): Promise<void> {
    const frame = Uint8Array.from(bytes);
    const decoded = decodeFrame(frame);
    const env = decoded.envelope;
    const id = messageId(env.origin, env.seq);
    if (env.origin === this.#o.nodeId) return; // our own broadcast, heard back
    const from = inbound.meta?.from;
    const coreLink = this.#o.links.find((l) => l.link.id === inbound.link);
    const sendersEnrolled = coreLink?.sendersEnrolled === true && !this.#released.has(inbound);
    const prevNode = from === undefined ? undefined : coreLink?.neighbours[from];
    const prevHop = {
      link: inbound.link,
      ...(from ? { from } : {}),
      ...(prevNode !== undefined ? { node: prevNode } : {}),
    };
    const forMe = this.#isForMe(env.dest);
    const broadcast = isBroadcast(env.dest);

    if (decoded.message?.kind === 'beacon') return this.#beacons.learn(decoded, inbound);
    // Custody and vouched receipts go one hop: applied by whom they address, never forwarded.
    const receiptScope =
      decoded.message?.kind === 'receipt' ? (decoded.message.body.scope ?? 'delivered') : undefined;
    const oneHop = receiptScope === 'custody' || receiptScope === 'vouched';
    if (oneHop && !forMe) return;

    const nowMs = this.#o.clock.now();
    // For "has it expired?", a lower bound on the time is enough (docs/time.md).
    const clockTrusted = this.#o.clock.expiryTrusted?.() ?? this.#o.clock.trusted();
    // Checked before anything is stored or confirmed: only a frame this node verified with a key it
    // holds claims its id, earns custody and may spend (docs/security.md §Checked at this hop).
    const check = checkInbound({
      decoded,
      hopTag,
      forMe,
      keys: this.#keys,
      now: Math.floor(nowMs / 1000),
      clockTrusted,
      ...(sendersEnrolled && prevNode === undefined ? { unknownSender: { from } } : {}),
    });
    if (!check.checked) return this.#relayUnchecked(frame, hopTag, env.dest, inbound, check.reason);
    const { message, by: checkedBy } = check;
    if (check.flag !== undefined) {
      this.#o.log.warn({ msgId: id, link: inbound.link, from, checkedBy }, `frame ${check.flag}; accepted`);
      this.emit('flagged', { code: 'UNKNOWN_SENDER', link: inbound.link, detail: `${id} ${check.flag}` });
    }

    // Decided and staged under the store's lock; confirmed only once the store's group holding
    // it is synced, outside the lock, so that other admissions share that sync.
    const taken = await this.#o.store.exclusive(async () => {
      const store = this.#o.store;
      const seen = await store.hasSeen(id);
      // A record outlives its tombstone only when the tombstone was pruned first; look for one then.
      const existing = seen || store.forgotten(id) ? await store.getMeta(id) : undefined;
      if (existing) {
        // Both copies checked: a different frame under a known id is the origin reusing its
        // sequence (its store was lost) or its key in other hands. Never let it confirm, or be
        // confirmed as, the message we hold.
        if (!sameBytes(await store.getFrame(id), frame)) {
          this.#o.log.warn(
            { msgId: id, link: inbound.link, from, node: env.origin },
            `node ${env.origin} sent a different message under a sequence number it used before: its store was lost and it restarted its sequence, or its key is in other hands`,
          );
          this.emit('rejected', {
            code: 'AUTH_REPLAY',
            link: inbound.link,
            detail: `conflicting frame for ${id}`,
          });
          this.emit('flagged', {
            code: 'SEQUENCE_RESTARTED',
            link: inbound.link,
            detail: `node ${env.origin} reused sequence ${env.seq} with a different message`,
          });
          return undefined;
        }
        this.#noteReleased(inbound, `${id}: already held here (${existing.state})`);
        // Seen before: the confirmation we sent may have been lost, so confirm again (when and to
        // whom: confirmations.ts), once the first copy is on disk.
        if (!confirmsDuplicate(existing, prevHop)) return undefined;
        const reopened = reopenTowardCustodian(existing, this.#o.links, this.#o.clock.now());
        if (reopened) await store.save(reopened, existing, { sync: false });
        return { duplicate: existing, reopened, stored: store.durable(id) };
      }
      if (seen || store.forgotten(id)) {
        // Its record is pruned (docs/store-and-forward.md §Pruning): ended here longer ago than
        // the retention. Only the destination, whose word needs no record, answers again.
        this.#noteReleased(inbound, `${id}: taken in long ago; its record is pruned`);
        if (seen && message && forMe) {
          const receipt = receiptScope !== undefined;
          const again = newMeta(env, { local: false, forMe: true, receipt, broadcastRepeats: 0 });
          return { duplicate: again, reopened: undefined, stored: Promise.resolve() };
        }
        if (!seen)
          this.emit('rejected', {
            code: 'AUTH_REPLAY',
            link: inbound.link,
            detail: `${id} is older than what this node remembers of node ${env.origin}`,
          });
        return undefined;
      }
      if (message) {
        const seenHere = this.#replay.checkStored(env.origin, env.seq);
        if (seenHere !== 'new')
          throw new KitError('AUTH_REPLAY', `${message.kind} ${id} is a replay (${seenHere})`);
      }
      const meta = newMeta(env, {
        local: false,
        forMe: forMe && message !== undefined,
        receipt: receiptScope !== undefined,
        broadcastRepeats: this.#repeats,
      });
      meta.prevHop = prevHop;
      if (hopTag) meta.hopTag = hopTag;
      // Expired by this node's own clock, counted from when it came here: the origin's time says
      // how much of the lifetime is left only when both clocks are trusted (docs/time.md).
      const nowS = Math.floor(nowMs / 1000);
      const bothTrusted = clockTrusted && !env.clockUntrusted;
      const left = env.lifetimeMin * 60 - (bothTrusted ? Math.max(0, nowS - env.createdAt) : 0);
      meta.expiresAt = nowS + left;
      const relay = !oneHop && (!forMe || broadcast);
      if (relay) this.#route(meta, undefined, from, bothTrusted ? undefined : nowMs);
      if (Object.keys(meta.out).length === 0 && (forMe || meta.expect === 'none')) meta.done = true;
      addEvent(meta, {
        at: this.#o.clock.now(),
        state: meta.state,
        link: inbound.link,
        ...(prevNode !== undefined ? { node: prevNode } : {}),
      });
      // Applied (and saved) before the message is: once stored, a retransmission is a duplicate
      // and would never apply it. A late one only tightens (signed-state.ts).
      if (message?.kind === 'control' && meta.forMe) await this.#signed.applyControl(message, meta);
      // Synced: custody and receipts go out only for what is on disk (awaited below).
      return { meta, relay, stored: store.admit(meta, frame, { sync: true }) };
    });
    if (!taken) return;
    await taken.stored;
    if ('duplicate' in taken) {
      this.#confirmer.confirm(taken.duplicate, prevHop);
      if (taken.reopened) this.#kick(taken.reopened);
      return;
    }
    const { meta, relay } = taken;
    this.#noteReleased(
      inbound,
      `${id}: taken in (${meta.forMe ? 'delivered here' : 'to be forwarded'}, checked by ${checkedBy})`,
    );
    if (message) this.#replay.accept(env.origin, env.seq);
    if (from !== undefined && !broadcast) {
      // Replies and receipts to the origin can go back the way this came (the frame checked,
      // so a forger cannot re-point the way back).
      this.#o.routes.learnReverse(
        env.origin,
        inbound.link,
        from,
        this.#o.clock.now() + env.lifetimeMin * 60_000,
      );
    }
    // Custody only for what this node can deliver or forward: otherwise the previous hop must
    // keep trying, perhaps through another neighbour.
    if (meta.forMe || Object.keys(meta.out).length > 0) this.#confirmer.confirm(meta, prevHop);
    if (
      relay &&
      decoded.message?.kind === 'receipt' &&
      receiptScope === 'delivered' &&
      env.dest.to === 'node'
    )
      this.#confirmer.suppress(decoded.message.body.ranges, env.dest.node);
    this.#kick(meta);
    this.emit('state', meta);
    if (message && meta.forMe) {
      // Receipts and warning threads change other records: under the lock again.
      const standing = await this.#o.store.exclusive(async () => {
        if (message.kind === 'receipt') await this.#applyReceipt(message, inbound.link);
        // Every action on one warning is ordered: an older one is history, never the current
        // state (docs/control-messages.md).
        return message.kind === 'warning' ? await this.#signed.recordWarning(message, meta) : undefined;
      });
      this.emit(
        'delivered',
        message,
        meta,
        standing
          ? { current: standing.current, ...(standing.reason ? { reason: standing.reason } : {}) }
          : { current: true },
      );
    }
  }

  /** A frame no key here checks: forwarded once from memory, never stored (unchecked-relay.ts). */
  #relayUnchecked(
    frame: Uint8Array,
    hopTag: Uint8Array | undefined,
    dest: Destination,
    inbound: InboundFrame,
    reason: string,
  ): void {
    const bytes = hopTag ? wrapHopTagged(hopTag, frame) : frame;
    const outcome = this.#unchecked.forward(bytes, dest, inbound);
    this.#o.log.debug({ link: inbound.link, reason, ...outcome }, 'unchecked frame: not stored');
    this.#noteReleased(
      inbound,
      `not taken in: ${reason}; not stored, forwarded on ${outcome.forwarded.join(', ') || 'no link'}`,
    );
    this.emit('unchecked', { link: inbound.link, reason, forwarded: outcome.forwarded });
  }

  /** Applies a receipt addressed here, and vouches for what it ended that this node relayed. */
  async #applyReceipt(receipt: Extract<Message, { kind: 'receipt' }>, link: string): Promise<void> {
    const coreLink = this.#o.links.find((l) => l.link.id === link)?.link;
    const relayed = await applyReceipt(receipt, {
      store: this.#o.store,
      isCentre: this.#keys.isCentre,
      sentToward: (meta, node) => sentToward(meta, node, link, neighboursOn(this.#o.links)),
      receiptWaitMs: Math.max(
        this.#o.receiptWaitMs ?? DEFAULT_RECEIPT_WAIT_MS,
        coreLink?.capabilities.confirmationWaitMs ?? 0,
      ),
      link,
      ...(this.#o.broadcastTargets ? { broadcastTargets: this.#o.broadcastTargets } : {}),
      now: () => this.#o.clock.now(),
      log: this.#o.log,
      onState: (meta) => this.emit('state', meta),
    });
    for (const meta of relayed) {
      if (!meta.prevHop) continue;
      const prevHop = knownHop(meta.prevHop, this.#o.links);
      // The vouched receipt says more than custody to that hop (custody owed elsewhere stays).
      const id = [{ origin: meta.origin, from: meta.seq, to: meta.seq }];
      if (prevHop.node !== undefined) this.#confirmer.suppress(id, prevHop.node);
      else if (prevHop.from !== undefined)
        this.#confirmer.suppress(id, undefined, { link: prevHop.link, to: prevHop.from });
      this.#confirmer.confirm(meta, prevHop, true);
    }
  }

  /**
   * Messages stored with no route (nothing was known then) get one now, if there is one: at start
   * and when a beacon brings a new path. Reads the `wait` index, not every record, a chunk per
   * turn of the store's lock (docs/store-and-forward.md §The store).
   */
  async #rerouteWaiting(): Promise<void> {
    const store = this.#o.store;
    let after: string | undefined;
    for (;;) {
      const ids = await store.waitingIds(after, REROUTE_CHUNK);
      if (ids.length === 0) return;
      after = ids.at(-1);
      await store.exclusive(async () => {
        for (const id of ids) {
          const before = await store.getMeta(id).catch(() => undefined);
          if (!before || before.done || before.forMe || Object.keys(before.out).length > 0) continue;
          if (before.state !== 'queued' && before.state !== 'sent') continue;
          const meta = structuredClone(before);
          this.#route(meta, undefined, meta.prevHop?.from);
          if (Object.keys(meta.out).length === 0) continue;
          await store.save(meta, before, { sync: false });
          this.#kick(meta);
        }
      });
      if (ids.length < REROUTE_CHUNK) return;
    }
  }
}

/** Waiting messages routed per turn of the store's lock. */
const REROUTE_CHUNK = 256;

/**
 * The store-and-forward core of one node (docs/store-and-forward.md; docs/design.md §Architecture,
 * §Messages, §Security; docs/architecture.md §Walk 1, §Walk 2): the composition of its parts, their
 * lifecycle, and the events it emits. A message made here is own-messages.ts's (numbered by
 * sequence-counter.ts, encoded, authenticated, stored); a frame from a link is taken apart by
 * inbound-payloads.ts and each message in it taken in by message-intake.ts (checked, deduplicated,
 * stored, confirmed to its hop, delivered); where a stored message goes is message-router.ts's;
 * what is due leaves through one dispatcher per link (dispatcher.ts), which this core wakes. Every
 * state change is one store change, staged under the store's lock; a confirmation about it leaves
 * the node only once the group holding it is synced (docs/store-and-forward.md §Group commit). The
 * deadlines it stored move with a clock step in deadline-rebase.ts.
 */

import { EventEmitter } from 'node:events';
import type { KeyRing } from '../crypto/authenticate.js';
import type { InboundFrame } from '../link/link.js';
import type { MessageMeta } from '../store/records.js';
import type { Authenticator } from '../wire/message.js';
import { Beacons } from './beacons.js';
import { Confirmer } from './confirmer.js';
import type { Draft, NodeCoreEvents, NodeCoreOptions } from './core-types.js';
import { rebaseDeadlines } from './deadline-rebase.js';
import { Dispatcher } from './dispatcher.js';
import { DEFAULT_RETENTION_MS, Expiry } from './expiry.js';
import { type ForeignPayload, ForeignPayloads } from './foreign-payloads.js';
import { InboundPayloads } from './inbound-payloads.js';
import { MessageIntake } from './message-intake.js';
import { MessageRouter } from './message-router.js';
import { type DraftPreview, OwnMessages } from './own-messages.js';
import { SavedReplayWindow } from './saved-replay-window.js';
import { SequenceCounter } from './sequence-counter.js';
import { SignedState } from './signed-state.js';

export type { CoreLink, Draft, NodeCoreEvents, NodeCoreOptions } from './core-types.js';
export type { ForeignPayload } from './foreign-payloads.js';
export type { DraftPreview, LinkPreview } from './own-messages.js';

/** How long an origin waits for the end-to-end receipt after custody before asking again. */
export const DEFAULT_RECEIPT_WAIT_MS = 600_000;

export class NodeCore extends EventEmitter<NodeCoreEvents> {
  readonly #o: NodeCoreOptions;
  readonly #dispatchers = new Map<string, Dispatcher>();
  readonly #replay: SavedReplayWindow;
  readonly #confirmer: Confirmer;
  readonly #beacons: Beacons;
  readonly #expiry: Expiry;
  readonly #foreign: ForeignPayloads;
  readonly #inbound: InboundPayloads;
  readonly #router: MessageRouter;
  readonly #own: OwnMessages;
  readonly #intake: MessageIntake;
  /** Inbound payloads the duty officer released (release()), and what became of each. */
  readonly #released = new WeakMap<InboundFrame, string[]>();
  /** What signed control messages built here: revocations, issuer keys and floors, warning threads. */
  readonly #signed: SignedState;
  readonly #sequence: SequenceCounter;
  readonly #onFrame = (f: InboundFrame) => void this.#inbound.receive(f);

  constructor(options: NodeCoreOptions) {
    super();
    this.#o = options;
    const { store, clock, log } = options;
    const broadcastRepeats = options.broadcastRepeats ?? 3;
    const kick = (meta: MessageMeta) => this.#kick(meta);
    const emit: EventEmitter<NodeCoreEvents>['emit'] = (event, ...args) => this.emit(event, ...args);
    this.#replay = new SavedReplayWindow(store, log);
    this.#sequence = new SequenceCounter({
      store,
      log,
      ...(options.sequenceFloor !== undefined ? { floor: options.sequenceFloor } : {}),
      ...(options.freshSequenceStart ? { freshStart: options.freshSequenceStart } : {}),
    });
    this.#signed = new SignedState({
      store,
      nodeId: options.nodeId,
      clock,
      onSignedTime: (ms) => clock.observeSignedLowerBound?.(ms, 'a signed control message'),
      // Called inside the store's lock: queued, not awaited.
      onSeqFloor: (floor) => void this.#sequence.raiseFloor(floor),
      onRevokedNode: (node) => log.warn({ node }, 'node revoked by the centre: its frames are refused'),
      log: log.child({ mod: 'signed' }),
    });
    // The configured keys, as signed control messages amend them (signed-state.ts), and whose they
    // are: a relay-tagged receipt speaks to this node only through the tag for it (docs/wire-format.md §6.5).
    const keys: KeyRing = { ...this.#signed.keys(options.keys), self: options.nodeId };
    this.#foreign = new ForeignPayloads({ log, now: () => clock.now() });
    this.#router = new MessageRouter({ ...options, keys, kick });
    this.#own = new OwnMessages({
      ...options,
      keys,
      broadcastRepeats,
      sequence: this.#sequence,
      router: this.#router,
      signed: this.#signed,
      kick,
      emit,
    });
    this.#confirmer = new Confirmer(options, {
      frameSize: (draft, via, auth) => this.#own.frameSize(draft, via, auth),
      submit: async (draft, via, auth) => {
        await this.#own.submit(draft, auth, via);
      },
    });
    this.#expiry = new Expiry({
      store,
      now: () => clock.now(),
      scanMs: options.expiryScanMs ?? 5000,
      retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
      log,
      onExpired: (meta) => this.emit('state', meta),
    });
    this.#beacons = new Beacons({
      nodeId: options.nodeId,
      links: options.links,
      routes: options.routes,
      keys,
      identity: options.identity,
      clock,
      replay: this.#replay,
      nextSeq: () => this.#sequence.takeAlone(),
      onNewPath: () => this.#router.rerouteWaiting(),
      ...(options.random === undefined ? {} : { random: options.random }),
      log: log.child({ mod: 'beacons' }),
    });
    this.#intake = new MessageIntake({
      ...options,
      keys,
      broadcastRepeats,
      receiptWaitMs: options.receiptWaitMs ?? DEFAULT_RECEIPT_WAIT_MS,
      released: {
        has: (inbound) => this.#released.has(inbound),
        note: (inbound, what) => this.#noteReleased(inbound, what),
      },
      router: this.#router,
      beacons: this.#beacons,
      replay: this.#replay,
      signed: this.#signed,
      confirmer: this.#confirmer,
      kick,
      emit,
    });
    this.#inbound = new InboundPayloads({
      log,
      takeMessage: (frame, inbound, hopTag) => this.#intake.take(frame, inbound, hopTag),
      onRejected: (rejection, inbound) => {
        this.#noteReleased(inbound, `refused: ${rejection.code}: ${rejection.detail}`);
        this.emit('rejected', rejection);
      },
      onForeign: (item) => {
        this.#foreign.keep(item);
        this.emit('foreign', item);
      },
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
    void this.#router
      .rerouteWaiting()
      .catch((err) => log.error({ err }, 'routing the waiting messages failed; a new path will try again'));
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
  submit(draft: Draft, auth?: Authenticator): Promise<string> {
    return this.#own.submit(draft, auth);
  }

  /**
   * Sends a stored message again toward `node`, due now (message-router.ts sendToward): the
   * escalation of a warning its kit has not confirmed. Returns the links it was put on.
   */
  sendToward(id: string, node: number): Promise<string[]> {
    return this.#router.sendToward(id, node);
  }

  /** The longest confirmation wait of the links toward `node` now, ms (message-router.ts); undefined: no route. */
  confirmationWaitToward(node: number): number | undefined {
    return this.#router.confirmationWaitToward(node);
  }

  /**
   * What `draft` would put on air if it were submitted now (docs/api.md §Before sending: the
   * preview): its encoded size and the links it would be due on, each with its bytes and credits.
   * Nothing is numbered, stored or sent. An issuer-signed kind (a warning) needs the issuer's
   * authenticator, as submit() does.
   */
  preview(draft: Draft, auth?: Authenticator): DraftPreview {
    return this.#own.preview(draft, auth);
  }

  /** Wakes the dispatcher of each link the message is due on. */
  #kick(meta: MessageMeta): void {
    for (const link of Object.keys(meta.out)) this.#dispatchers.get(link)?.kick();
  }
}

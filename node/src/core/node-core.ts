/**
 * The store-and-forward core of one node (docs/store-and-forward.md; docs/design.md §Architecture, §Messages, §Security):
 * messages made here are encoded, authenticated, stored and routed; frames from links are
 * unbatched and reassembled (inbound-payloads.ts), decoded and deduplicated; what is addressed
 * here is verified, kept in the inbox and confirmed to the hop it came from (its origin, or a relay
 * that vouches for it on its way back: confirmations.ts); what is not is taken into custody,
 * confirmed to the previous hop, and routed on. Every state change is one store batch, synced before any confirmation about
 * it leaves the node.
 */

import { EventEmitter } from 'node:events';
import { verifyFrame } from '../crypto/authenticate.js';
import type { InboundFrame } from '../link/link.js';
import { addEvent, type MessageMeta, messageId } from '../store/records.js';
import { type Destination, WIRE_EPOCH } from '../wire/envelope.js';
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
import { Dispatcher } from './dispatcher.js';
import { Expiry } from './expiry.js';
import { type ForeignPayload, ForeignPayloads } from './foreign-payloads.js';
import { InboundPayloads } from './inbound-payloads.js';
import { isBroadcast, newMeta } from './new-meta.js';
import type { RouteChoice } from './routing-table.js';
import { SavedReplayWindow } from './saved-replay-window.js';

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
  #seq = 0;
  get #repeats(): number {
    return this.#o.broadcastRepeats ?? 3;
  }
  readonly #onFrame = (f: InboundFrame) => void this.#inbound.receive(f);

  constructor(options: NodeCoreOptions) {
    super();
    this.#o = options;
    this.#replay = new SavedReplayWindow(options.store, options.log);
    this.#foreign = new ForeignPayloads({ log: options.log, now: () => options.clock.now() });
    this.#inbound = new InboundPayloads({
      log: options.log,
      takeMessage: (frame, inbound) => this.#receiveMessage(frame, inbound),
      onRejected: (rejection) => this.emit('rejected', rejection),
      onForeign: (item) => {
        this.#foreign.keep(item);
        this.emit('foreign', item);
      },
    });
    this.#confirmer = new Confirmer(options, {
      frameSize: (draft, via) => this.#prepare(draft, undefined, via, this.#seq + 1).frame.length,
      submit: (draft, via) =>
        options.store.exclusive(() => this.#submitLocked(draft, undefined, via)).then(() => {}),
    });
    this.#expiry = new Expiry({
      store: options.store,
      now: () => options.clock.now(),
      scanMs: options.expiryScanMs ?? 5000,
      log: options.log,
      onExpired: (meta) => this.emit('state', meta),
    });
    this.#beacons = new Beacons({
      nodeId: options.nodeId,
      links: options.links,
      routes: options.routes,
      keys: options.keys,
      identity: options.identity,
      clock: options.clock,
      replay: this.#replay,
      // Taken under the store lock and synced like any other, so a beacon never shares an id with
      // a message (receivers would take that as a replay).
      nextSeq: () =>
        options.store.exclusive(async () => {
          const next = this.#seq + 1;
          await options.store.putKv({ seq: next }, true);
          this.#seq = next;
          return next;
        }),
      onNewPath: () => this.#rerouteWaiting(),
      log: options.log.child({ mod: 'beacons' }),
    });
  }

  get nodeId(): number {
    return this.#o.nodeId;
  }

  /** The payloads kept because they are not fieldnode frames: the latest ones, and how many in all. */
  foreignPayloads(): { recent: readonly ForeignPayload[]; total: number } {
    return { recent: this.#foreign.items(), total: this.#foreign.total };
  }

  async start(): Promise<void> {
    const { store, links, log } = this.#o;
    this.#seq = (await store.getKv<number>('seq')) ?? 0;
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
  }

  /**
   * Stops sending at once (nothing new goes to a link after this call returns), then saves what is
   * pending and waits for the sends in flight to be recorded. The caller stops the links meanwhile
   * (app.ts), which settles sends that would otherwise wait for an ACK or a satellite session.
   */
  async stop(): Promise<void> {
    this.#expiry.stop();
    this.#beacons.stop();
    const dispatchers = Promise.all([...this.#dispatchers.values()].map((d) => d.stop()));
    await this.#confirmer.stop();
    await dispatchers;
    for (const { link } of this.#o.links) link.off('frame', this.#onFrame);
    await this.#replay.stop();
  }

  /** Encodes, authenticates, stores (synced) and routes a message made here; returns its id. */
  async submit(draft: Draft, auth?: Authenticator): Promise<string> {
    return this.#o.store.exclusive(() => this.#submitLocked(draft, auth));
  }

  /** Like submit() for several messages, stored in one batch with one sync. */
  async submitMany(drafts: Draft[]): Promise<string[]> {
    return this.#o.store.exclusive(async () => {
      const items = drafts.map((draft, i) => this.#prepare(draft, undefined, undefined, this.#seq + 1 + i));
      const seq = this.#seq + drafts.length;
      await this.#o.store.admitMany(items, { sync: true, kv: { seq }, fresh: true });
      this.#seq = seq;
      for (const { meta } of items) {
        this.#kick(meta);
        this.emit('state', meta);
      }
      return items.map(({ meta }) => meta.id);
    });
  }

  async #submitLocked(
    draft: Draft,
    auth?: Authenticator,
    via?: { link: string; to?: string },
  ): Promise<string> {
    const seq = this.#seq + 1;
    const { meta, frame } = this.#prepare(draft, auth, via, seq);
    await this.#o.store.admit(meta, frame, { sync: true, kv: { seq } });
    this.#seq = seq;
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
    const frame = encodeMessage(message, auth ?? this.#authFor(message));
    const meta = newMeta(
      { ...message, kindCode: KINDS[message.kind].code },
      { local: true, forMe: false, receipt: message.kind === 'receipt', broadcastRepeats: this.#repeats },
    );
    this.#route(meta, via);
    addEvent(meta, { at: nowMs, state: 'queued' });
    return { meta, frame };
  }

  /** Kit messages to or from the centre carry the shared MAC; anything else this node's signature. */
  #authFor(message: Message): Authenticator {
    return authenticatorFor(message, this.#o);
  }

  /** Fills the meta's outbox entries from the routing table (or the given link). */
  #route(meta: MessageMeta, via?: { link: string; to?: string }, avoidHop?: string): void {
    const now = this.#o.clock.now();
    let choices: RouteChoice[];
    if (via) {
      choices = [{ link: via.link, dueAt: now, ...(via.to ? { nextHop: via.to } : {}) }];
    } else {
      const classes = new Map(this.#o.links.map((l) => [l.link.id, l.costClass]));
      const links = new Map(this.#o.links.map((l) => [l.link.id, l.link]));
      choices = this.#o.routes
        .choose(meta.dest, {
          priority: meta.priority,
          createdAtMs: meta.createdAt * 1000,
          now,
          latencyBoundMs: this.#o.latencyBoundMs,
          linkClass: (id) => classes.get(id),
          isCentre: this.#o.keys.isCentre,
          // Two bearers of one class: what each declares decides, per priority.
          preference: (id, priority) => {
            const link = links.get(id);
            return link ? bearerPreference(link.capabilities, priority) : [];
          },
        })
        .filter((c) => c.nextHop === undefined || c.nextHop !== avoidHop);
    }
    for (const c of choices) {
      meta.out[c.link] = c.dueAt;
      if (c.nextHop) meta.nextHop[c.link] = c.nextHop;
    }
  }

  #kick(meta: MessageMeta): void {
    for (const link of Object.keys(meta.out)) this.#dispatchers.get(link)?.kick();
  }

  #isForMe(dest: Destination): boolean {
    return isForNode(dest, this.#o);
  }

  async #receiveMessage(bytes: Uint8Array, inbound: InboundFrame): Promise<void> {
    const frame = Uint8Array.from(bytes);
    const decoded = decodeFrame(frame);
    const env = decoded.envelope;
    const id = messageId(env.origin, env.seq);
    if (env.origin === this.#o.nodeId) return; // our own broadcast, heard back
    const from = inbound.meta?.from;
    const prevNode =
      from === undefined
        ? undefined
        : this.#o.links.find((l) => l.link.id === inbound.link)?.neighbours[from];
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

    await this.#o.store.exclusive(async () => {
      const existing = await this.#o.store.getMeta(id);
      if (existing) {
        // A different frame under a known id is a forgery or a kit that lost its store: never
        // let it confirm (or be confirmed as) the message we hold.
        if (!sameBytes(await this.#o.store.getFrame(id), frame)) {
          this.#o.log.warn(
            { msgId: id, link: inbound.link, from },
            'a different frame arrived under a known message id; ignored',
          );
          this.emit('rejected', {
            code: 'AUTH_REPLAY',
            link: inbound.link,
            detail: `conflicting frame for ${id}`,
          });
          return;
        }
        // Seen before: the confirmation we sent may have been lost, so confirm again (when and to
        // whom: confirmations.ts).
        if (confirmsDuplicate(existing, prevHop)) {
          this.#confirmer.confirm(existing, prevHop);
          const reopened = reopenTowardCustodian(existing, this.#o.links, this.#o.clock.now());
          if (reopened) {
            await this.#o.store.save(reopened, existing, { sync: false });
            this.#kick(reopened);
          }
        }
        return;
      }
      let message: Message | undefined;
      if (forMe && decoded.message) {
        // Check the replay window now, record in it only once the message is on disk: a failed
        // write must not turn every retransmission into a "replay".
        message = verifyFrame(decoded, {
          keys: this.#o.keys,
          replay: { accept: (origin, seq) => this.#replay.checkStored(origin, seq) },
          now: Math.floor(this.#o.clock.now() / 1000),
          clockTrusted: this.#o.clock.trusted(),
        });
      }
      const meta = newMeta(env, {
        local: false,
        forMe: forMe && message !== undefined,
        receipt: receiptScope !== undefined,
        broadcastRepeats: this.#repeats,
      });
      meta.prevHop = prevHop;
      if (env.clockUntrusted) {
        // The origin's clock was not trusted: count the lifetime from now, or a kit whose clock
        // is behind would have its message expire at the first relay.
        meta.expiresAt = Math.max(
          meta.expiresAt,
          Math.floor(this.#o.clock.now() / 1000) + env.lifetimeMin * 60,
        );
      }
      const relay = !oneHop && (!forMe || broadcast);
      if (relay) this.#route(meta, undefined, from);
      if (Object.keys(meta.out).length === 0 && (forMe || meta.expect === 'none')) meta.done = true;
      addEvent(meta, {
        at: this.#o.clock.now(),
        state: meta.state,
        link: inbound.link,
        ...(prevNode !== undefined ? { node: prevNode } : {}),
      });
      // Synced: custody and receipts go out only for what is on disk.
      await this.#o.store.admit(meta, frame, { sync: true });
      if (message) this.#replay.accept(env.origin, env.seq);
      if (from !== undefined && !broadcast && (message !== undefined || prevNode !== undefined)) {
        // Replies and receipts to the origin can go back the way this came (only from a verified
        // message or a known neighbour: a forged frame must not re-point the way back).
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
        if (message.kind === 'receipt') await this.#applyReceipt(message, inbound.link);
        this.emit('delivered', message, meta);
      }
    });
  }

  /** Applies a receipt addressed here, and vouches for what it ended that this node relayed. */
  async #applyReceipt(receipt: Extract<Message, { kind: 'receipt' }>, link: string): Promise<void> {
    const coreLink = this.#o.links.find((l) => l.link.id === link)?.link;
    const relayed = await applyReceipt(receipt, {
      store: this.#o.store,
      isCentre: this.#o.keys.isCentre,
      sentToward: (meta, node) => sentToward(meta, node, link, neighboursOn(this.#o.links)),
      receiptWaitMs: Math.max(
        this.#o.receiptWaitMs ?? DEFAULT_RECEIPT_WAIT_MS,
        coreLink?.capabilities.confirmationWaitMs ?? 0,
      ),
      link,
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

  /** Messages stored with no route (nothing was known then) get one now, if there is one. */
  async #rerouteWaiting(): Promise<void> {
    await this.#o.store.exclusive(async () => {
      for await (const before of this.#o.store.metas()) {
        if (before.done || before.forMe || Object.keys(before.out).length > 0) continue;
        if (before.state !== 'queued' && before.state !== 'sent') continue;
        const meta = structuredClone(before);
        this.#route(meta, undefined, meta.prevHop?.from);
        if (Object.keys(meta.out).length === 0) continue;
        await this.#o.store.save(meta, before, { sync: false });
        this.#kick(meta);
      }
    });
  }
}

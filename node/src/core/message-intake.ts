/**
 * Taking in a message that arrived (docs/architecture.md §Walk 2, steps 4–6; docs/store-and-
 * forward.md §Group commit, §Pruning, §Confirmations; docs/security.md §Checked at this hop): each
 * whole message frame inbound-payloads.ts hands on is decoded; a beacon goes to the routing
 * (beacons.ts); a frame no key here checks is relayed once from memory (unchecked-relay.ts);
 * a checked one is held against what the store already has (a duplicate is confirmed again, a
 * broadcast asked for again from upstream after its repeats goes on once more (docs/store-and-
 * forward.md §Broadcasts asked for again; reopen-downstream.ts), a
 * different frame under a known id is refused and flagged as SEQUENCE_RESTARTED, a copy of a pruned
 * id is answered or refused), and otherwise stored with its delivery record and its routes, in one
 * synced admission staged under the store's lock. Only once that group is on disk is it confirmed
 * to its hop, the way back learnt, and, when it is addressed here, applied and delivered.
 *
 * NodeCore owns it; it knows the core only through MessageIntakeOptions, so the two cannot form an
 * import cycle.
 */
import type { EventEmitter } from 'node:events';
import { KitError } from '../base/errors.js';
import type { CheckedBy, KeyRing } from '../crypto/authenticate.js';
import type { InboundFrame } from '../link/link.js';
import { addEvent, type MessageMeta, messageId } from '../store/records.js';
import type { Destination, Envelope } from '../wire/envelope.js';
import { wrapHopTagged } from '../wire/hop-tagged.js';
import { type DecodedFrame, decodeFrame, type Message } from '../wire/message.js';
import { isForNode } from './addressing.js';
import { applyReceipt } from './apply-receipt.js';
import type { Beacons } from './beacons.js';
import { confirmsDuplicate, type PrevHop, sentToward } from './confirmations.js';
import type { Confirmer } from './confirmer.js';
import type { NodeCoreEvents, NodeCoreOptions } from './core-types.js';
import { knownHop, neighboursOn, reopenTowardCustodian } from './custody-chain.js';
import { checkInbound } from './inbound-check.js';
import type { MessageRouter } from './message-router.js';
import { isBroadcast, newMeta } from './new-meta.js';
import type { ReceiptScope } from './receipt-batcher.js';
import { isThreadHead, reopenDownstream, threadRootOf, withThreadHead } from './reopen-downstream.js';
import type { SavedReplayWindow } from './saved-replay-window.js';
import type { SignedState } from './signed-state.js';
import { UncheckedRelay } from './unchecked-relay.js';

/** The payloads the duty officer released (NodeCore.release()), and what became of each. */
export interface ReleasedFrames {
  /** Whether the payload was released: its sender need not be enrolled. */
  has(inbound: InboundFrame): boolean;
  /** Notes, in words for the duty officer, what became of a released payload; nothing for another. */
  note(inbound: InboundFrame, what: string): void;
}

export interface MessageIntakeOptions
  extends Pick<
    NodeCoreOptions,
    'nodeId' | 'area' | 'links' | 'routes' | 'clock' | 'store' | 'log' | 'broadcastTargets' | 'reopenFloorMs'
  > {
  /** The keys as signed control messages amend them (signed-state.ts). */
  keys: KeyRing;
  /** How many times a broadcast relayed here is sent (NodeCoreOptions.broadcastRepeats, resolved). */
  broadcastRepeats: number;
  /** How long an origin waits for its receipt after custody (NodeCoreOptions.receiptWaitMs, resolved). */
  receiptWaitMs: number;
  released: ReleasedFrames;
  router: Pick<MessageRouter, 'route' | 'choices'>;
  beacons: Pick<Beacons, 'learn'>;
  replay: Pick<SavedReplayWindow, 'checkStored' | 'accept'>;
  signed: Pick<SignedState, 'applyControl' | 'recordWarning' | 'controlStanding'>;
  confirmer: Pick<Confirmer, 'confirm' | 'suppress'>;
  /** Wakes the dispatchers of the links a message is due on. */
  kick: (meta: MessageMeta) => void;
  /** NodeCore's events. */
  emit: EventEmitter<NodeCoreEvents>['emit'];
}

/** A checked arrival, as the steps of taking it in need it. */
interface Arrival {
  frame: Uint8Array;
  decoded: DecodedFrame;
  env: Envelope;
  id: string;
  inbound: InboundFrame;
  /** The sender's address on the link it came over. */
  from: string | undefined;
  /** The hop it came from, with the sender's node id when it is a known neighbour. */
  prevHop: PrevHop;
  forMe: boolean;
  broadcast: boolean;
  /** The receipt's scope, when it is a receipt. */
  receiptScope: ReceiptScope | undefined;
  /** A custody or vouched receipt: applied by whom it addresses, never forwarded. */
  oneHop: boolean;
  hopTag: Uint8Array | undefined;
  nowMs: number;
  clockTrusted: boolean;
  /** The message, when it is for this node and verified in full. */
  message: Message | undefined;
  checkedBy: CheckedBy;
}

/** What the store's lock decided: a copy to confirm again, or a message stored now. */
type Staged =
  | { duplicate: MessageMeta; reopened: MessageMeta | undefined; stored: Promise<void> }
  | { meta: MessageMeta; relay: boolean; stored: Promise<unknown> };

export class MessageIntake {
  readonly #o: MessageIntakeOptions;
  readonly #unchecked: UncheckedRelay;

  constructor(options: MessageIntakeOptions) {
    this.#o = options;
    this.#unchecked = new UncheckedRelay({
      links: options.links,
      routesFor: (dest, cameFrom) => options.router.choices(dest, 3, options.clock.now(), cameFrom),
      now: () => options.clock.now(),
      log: options.log,
    });
  }

  /**
   * Takes in one whole message frame (`hopTag`: the tag of its hop-tagged container). Throws a
   * KitError when the frame is refused (InboundPayloads reports it).
   */
  async take(bytes: Uint8Array, inbound: InboundFrame, hopTag?: Uint8Array): Promise<void> {
    const frame = Uint8Array.from(bytes);
    const decoded = decodeFrame(frame);
    const env = decoded.envelope;
    const id = messageId(env.origin, env.seq);
    if (env.origin === this.#o.nodeId) return; // our own broadcast, heard back
    const from = inbound.meta?.from;
    const coreLink = this.#o.links.find((l) => l.link.id === inbound.link);
    const sendersEnrolled = coreLink?.sendersEnrolled === true && !this.#o.released.has(inbound);
    const prevNode = from === undefined ? undefined : coreLink?.neighbours[from];
    const prevHop = {
      link: inbound.link,
      ...(from ? { from } : {}),
      ...(prevNode !== undefined ? { node: prevNode } : {}),
    };
    const forMe = isForNode(env.dest, this.#o);
    const broadcast = isBroadcast(env.dest);

    if (decoded.message?.kind === 'beacon') return this.#o.beacons.learn(decoded, inbound);
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
      keys: this.#o.keys,
      now: Math.floor(nowMs / 1000),
      clockTrusted,
      ...(sendersEnrolled && prevNode === undefined ? { unknownSender: { from } } : {}),
    });
    if (!check.checked) return this.#relayUnchecked(frame, hopTag, env.dest, inbound, check.reason);
    const { message, by: checkedBy } = check;
    if (check.flag !== undefined) {
      this.#o.log.warn({ msgId: id, link: inbound.link, from, checkedBy }, `frame ${check.flag}; accepted`);
      this.#o.emit('flagged', { code: 'UNKNOWN_SENDER', link: inbound.link, detail: `${id} ${check.flag}` });
    }
    const arrival: Arrival = {
      frame,
      decoded,
      env,
      id,
      inbound,
      from,
      prevHop,
      forMe,
      broadcast,
      receiptScope,
      oneHop,
      hopTag,
      nowMs,
      clockTrusted,
      message,
      checkedBy,
    };

    // Decided and staged under the store's lock; confirmed only once the store's group holding
    // it is synced, outside the lock, so that other admissions share that sync.
    const taken = await this.#o.store.exclusive(() => this.#stage(arrival));
    if (!taken) return;
    await taken.stored;
    if ('duplicate' in taken) {
      this.#o.confirmer.confirm(taken.duplicate, prevHop);
      if (taken.reopened) this.#o.kick(taken.reopened);
      return;
    }
    await this.#takenIn(arrival, taken.meta, taken.relay);
  }

  /** Under the store's lock: what becomes of a checked arrival, staged; undefined for nothing. */
  async #stage(a: Arrival): Promise<Staged | undefined> {
    const store = this.#o.store;
    const seen = await store.hasSeen(a.id);
    // A record outlives its tombstone only when the tombstone was pruned first; look for one then.
    const existing = seen || store.forgotten(a.id) ? await store.getMeta(a.id) : undefined;
    if (existing) return this.#againstHeld(a, existing);
    if (seen || store.forgotten(a.id)) return this.#pruned(a, seen);
    return this.#admit(a);
  }

  /** A copy of a message this store holds: a duplicate to confirm again, or a conflict. */
  async #againstHeld(a: Arrival, existing: MessageMeta): Promise<Staged | undefined> {
    const { store } = this.#o;
    const { id, inbound, env } = a;
    // Both copies checked: a different frame under a known id is the origin reusing its sequence
    // (its store was lost) or its key in other hands. Never let it confirm, or be confirmed as,
    // the message we hold.
    if (!sameMessage(await store.getFrame(id), a)) {
      this.#o.log.warn(
        { msgId: id, link: inbound.link, from: a.from, node: env.origin },
        `node ${env.origin} sent a different message under a sequence number it used before: its store was lost and it restarted its sequence, or its key is in other hands`,
      );
      this.#o.emit('rejected', {
        code: 'AUTH_REPLAY',
        link: inbound.link,
        detail: `conflicting frame for ${id}`,
      });
      this.#o.emit('flagged', {
        code: 'SEQUENCE_RESTARTED',
        link: inbound.link,
        detail: `node ${env.origin} reused sequence ${env.seq} with a different message`,
      });
      return undefined;
    }
    this.#o.released.note(inbound, `${id}: already held here (${existing.state})`);
    // Asked again from upstream after its repeats ended: the custodian goes once more downstream.
    const downstream = reopenDownstream(
      existing,
      {
        from: a.prevHop,
        threadHead: await this.#isThreadHead(a, existing),
        now: this.#o.clock.now(),
        ...(this.#o.reopenFloorMs !== undefined && { floorMs: this.#o.reopenFloorMs }),
      },
      this.#o.links,
    );
    if (downstream) {
      await store.save(downstream, existing, { sync: false });
      return { duplicate: downstream, reopened: downstream, stored: store.durable(id) };
    }
    // Seen before: the confirmation we sent may have been lost, so confirm again (when and to
    // whom: confirmations.ts), once the first copy is on disk.
    if (!confirmsDuplicate(existing, a.prevHop)) return undefined;
    const reopened = reopenTowardCustodian(existing, this.#o.links, this.#o.clock.now());
    if (reopened) await store.save(reopened, existing, { sync: false });
    return { duplicate: existing, reopened, stored: store.durable(id) };
  }

  /** Whether a held broadcast is the newest of its warning thread here (always, for other kinds). */
  async #isThreadHead(a: Arrival, existing: MessageMeta): Promise<boolean> {
    const m = a.decoded.message;
    if (m?.kind !== 'warning' || existing.repeats === undefined) return true;
    const r = threadRootOf(m);
    const rootId = messageId(r.origin, r.seq);
    const root = rootId === existing.id ? existing : await this.#o.store.getMeta(rootId);
    return isThreadHead(m, root);
  }

  /**
   * A later warning of a thread whose first warning is held here becomes the thread's head on that
   * record, so the earlier ones are not put on air again without it (reopen-downstream.ts).
   */
  async #markThreadHead(a: Arrival): Promise<void> {
    const m = a.decoded.message;
    if (m?.kind !== 'warning' || m.body.references === undefined) return;
    const store = this.#o.store;
    const root = await store.getMeta(messageId(m.body.references.origin, m.body.references.seq));
    const marked = root && withThreadHead(root, m);
    if (marked && root) await store.save(marked, root, { sync: false });
  }

  /**
   * A copy of an id whose record is pruned (docs/store-and-forward.md §Pruning): ended here longer
   * ago than the retention. Only the destination, whose word needs no record, answers again; an id
   * below what this store remembers of its origin, with no tombstone, is refused.
   */
  #pruned(a: Arrival, seen: boolean): Staged | undefined {
    this.#o.released.note(a.inbound, `${a.id}: taken in long ago; its record is pruned`);
    if (seen && a.message && a.forMe) {
      const receipt = a.receiptScope !== undefined;
      const again = newMeta(a.env, { local: false, forMe: true, receipt, broadcastRepeats: 0 });
      return { duplicate: again, reopened: undefined, stored: Promise.resolve() };
    }
    if (!seen)
      this.#o.emit('rejected', {
        code: 'AUTH_REPLAY',
        link: a.inbound.link,
        detail: `${a.id} is older than what this node remembers of node ${a.env.origin}`,
      });
    return undefined;
  }

  /** A message new here: its record made, routed on if it is to be relayed, and staged synced. */
  async #admit(a: Arrival): Promise<Staged> {
    const { env, message, forMe } = a;
    if (message) {
      const seenHere = this.#o.replay.checkStored(env.origin, env.seq);
      if (seenHere !== 'new')
        throw new KitError('AUTH_REPLAY', `${message.kind} ${a.id} is a replay (${seenHere})`);
    }
    const meta = newMeta(env, {
      local: false,
      forMe: forMe && message !== undefined,
      receipt: a.receiptScope !== undefined,
      broadcastRepeats: this.#o.broadcastRepeats,
    });
    meta.prevHop = a.prevHop;
    if (a.hopTag) meta.hopTag = a.hopTag;
    // Expired by this node's own clock, counted from when it came here: the origin's time says
    // how much of the lifetime is left only when both clocks are trusted (docs/time.md).
    const nowS = Math.floor(a.nowMs / 1000);
    const bothTrusted = a.clockTrusted && !env.clockUntrusted;
    const left = env.lifetimeMin * 60 - (bothTrusted ? Math.max(0, nowS - env.createdAt) : 0);
    meta.expiresAt = nowS + left;
    const relay = !a.oneHop && (!forMe || a.broadcast);
    if (relay) this.#o.router.route(meta, undefined, a.from, bothTrusted ? undefined : a.nowMs);
    if (Object.keys(meta.out).length === 0 && (forMe || meta.expect === 'none')) meta.done = true;
    addEvent(meta, {
      at: this.#o.clock.now(),
      state: meta.state,
      link: a.inbound.link,
      ...(a.prevHop.node !== undefined ? { node: a.prevHop.node } : {}),
    });
    // Applied (and saved) before the message is: once stored, a retransmission is a duplicate
    // and would never apply it. A late one only tightens (signed-state.ts).
    if (message?.kind === 'control' && meta.forMe) await this.#o.signed.applyControl(message, meta);
    await this.#markThreadHead(a);
    // Synced: custody and receipts go out only for what is on disk (awaited by the caller).
    return { meta, relay, stored: this.#o.store.admit(meta, a.frame, { sync: true }) };
  }

  /** Once the new message is on disk: confirmed, the way back learnt, routed, delivered. */
  async #takenIn(a: Arrival, meta: MessageMeta, relay: boolean): Promise<void> {
    const { env, inbound, from, message, decoded } = a;
    this.#o.released.note(
      inbound,
      `${a.id}: taken in (${meta.forMe ? 'delivered here' : 'to be forwarded'}, checked by ${a.checkedBy})`,
    );
    if (message) this.#o.replay.accept(env.origin, env.seq);
    if (from !== undefined && !a.broadcast) {
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
    if (meta.forMe || Object.keys(meta.out).length > 0) this.#o.confirmer.confirm(meta, a.prevHop);
    if (
      relay &&
      decoded.message?.kind === 'receipt' &&
      a.receiptScope === 'delivered' &&
      env.dest.to === 'node'
    )
      this.#o.confirmer.suppress(decoded.message.body.ranges, env.dest.node);
    this.#o.kick(meta);
    this.#o.emit('state', meta);
    if (message && meta.forMe) await this.#deliver(message, meta, inbound.link);
  }

  /** A message addressed here and verified: applied, then handed to the domain (`delivered`). */
  async #deliver(message: Message, meta: MessageMeta, link: string): Promise<void> {
    // Receipts and warning threads change other records: under the lock again.
    const standing = await this.#o.store.exclusive(async () => {
      if (message.kind === 'receipt') await this.#applyReceipt(message, link);
      // A control message overtaken by a newer one of its issuer is history too: a late re-alarm
      // sounds nothing (docs/control-messages.md §Ordering per issuer).
      if (message.kind === 'control') return this.#o.signed.controlStanding(message);
      // Every action on one warning is ordered: an older one is history, never the current
      // state (docs/control-messages.md).
      return message.kind === 'warning' ? await this.#o.signed.recordWarning(message, meta) : undefined;
    });
    this.#o.emit(
      'delivered',
      message,
      meta,
      standing
        ? { current: standing.current, ...(standing.reason ? { reason: standing.reason } : {}) }
        : { current: true },
    );
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
    this.#o.released.note(
      inbound,
      `not taken in: ${reason}; not stored, forwarded on ${outcome.forwarded.join(', ') || 'no link'}`,
    );
    this.#o.emit('unchecked', { link: inbound.link, reason, forwarded: outcome.forwarded });
  }

  /** Applies a receipt addressed here, and vouches for what it ended that this node relayed. */
  async #applyReceipt(receipt: Extract<Message, { kind: 'receipt' }>, link: string): Promise<void> {
    const { links, confirmer } = this.#o;
    const coreLink = links.find((l) => l.link.id === link)?.link;
    const relayed = await applyReceipt(receipt, {
      store: this.#o.store,
      isCentre: this.#o.keys.isCentre,
      sentToward: (meta, node) => sentToward(meta, node, link, neighboursOn(links)),
      receiptWaitMs: Math.max(this.#o.receiptWaitMs, coreLink?.capabilities.confirmationWaitMs ?? 0),
      link,
      ...(this.#o.broadcastTargets ? { broadcastTargets: this.#o.broadcastTargets } : {}),
      now: () => this.#o.clock.now(),
      log: this.#o.log,
      onState: (meta) => this.#o.emit('state', meta),
    });
    for (const meta of relayed) {
      if (!meta.prevHop) continue;
      const prevHop = knownHop(meta.prevHop, links);
      // The vouched receipt says more than custody to that hop (custody owed elsewhere stays).
      const id = [{ origin: meta.origin, from: meta.seq, to: meta.seq }];
      if (prevHop.node !== undefined) confirmer.suppress(id, prevHop.node);
      else if (prevHop.from !== undefined)
        confirmer.suppress(id, undefined, { link: prevHop.link, to: prevHop.from });
      confirmer.confirm(meta, prevHop, true);
    }
  }
}

/**
 * Whether a held frame and a checked arrival are one message. For a relay-tagged frame only the
 * authenticated part (envelope and body) counts: each tag covers only the bytes before it, so
 * anyone on air can strip the entries after a kit's or append one for a higher kit id and the
 * kit's tag still checks. The tags are not part of the message, as a hop tag is not
 * (docs/wire-format.md §6.5); comparing them would take such a copy for the origin's sequence
 * restarted.
 */
function sameMessage(held: Uint8Array | undefined, a: Arrival): boolean {
  if (held === undefined) return false;
  if (a.decoded.envelope.auth !== 'relay-tags') return sameBytes(held, a.frame);
  let heldPart: Uint8Array;
  try {
    heldPart = decodeFrame(held).authenticated;
  } catch {
    return false;
  }
  return sameBytes(heldPart, a.decoded.authenticated);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

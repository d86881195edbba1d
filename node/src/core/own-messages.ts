/**
 * Making a message here (docs/architecture.md §Walk 1, steps 2–5; docs/store-and-forward.md
 * §Group commit): it takes the next sequence number (sequence-counter.ts), is encoded and
 * authenticated for its destination (addressing.ts: the kit's MAC for the centre, with the hop tag
 * for the relays that hold only the kit's relay key; otherwise this node's signature), gets its
 * delivery record and its routes (message-router.ts), and is staged in the store under its lock,
 * number and message in one admission. It is routed to the dispatchers and reported only once its
 * group is synced, so a number is never handed out twice and nothing leaves before it is on disk.
 *
 * A preview (`preview()`: docs/api.md §Before sending: the preview) makes the same frame without
 * numbering or storing it, so that a person sees what filing would put on air before anything is
 * filed.
 *
 * NodeCore owns it; it knows the core only through OwnMessagesOptions, so the two cannot form an
 * import cycle.
 */
import type { EventEmitter } from 'node:events';
import { type KeyRing, macKeyNode } from '../crypto/authenticate.js';
import { hopTag } from '../crypto/hop-tag.js';
import { addEvent, type MessageMeta } from '../store/records.js';
import { WIRE_EPOCH } from '../wire/envelope.js';
import { KINDS } from '../wire/kinds.js';
import { type Authenticator, encodeMessage, type Message } from '../wire/message.js';
import { varintLength } from '../wire/varint.js';
import { authenticatorFor } from './addressing.js';
import type { Draft, NodeCoreEvents, NodeCoreOptions } from './core-types.js';
import { type LinkCost, linkCost } from './link-cost.js';
import type { MessageRouter, Via } from './message-router.js';
import { newMeta } from './new-meta.js';
import type { CostClass } from './routing-table.js';
import type { SequenceCounter } from './sequence-counter.js';
import type { SignedState } from './signed-state.js';

export interface OwnMessagesOptions
  extends Pick<NodeCoreOptions, 'nodeId' | 'area' | 'identity' | 'macKey' | 'clock' | 'store' | 'links'> {
  /** The keys as signed control messages amend them (signed-state.ts). */
  keys: KeyRing;
  /** How many times a broadcast made here is sent (NodeCoreOptions.broadcastRepeats, resolved). */
  broadcastRepeats: number;
  sequence: Pick<SequenceCounter, 'next' | 'stage'>;
  router: Pick<MessageRouter, 'route'>;
  /** A control message made here binds this node too. */
  signed: Pick<SignedState, 'applyControl'>;
  /** Wakes the dispatchers of the links a message is due on. */
  kick: (meta: MessageMeta) => void;
  /** NodeCore's events: `state` once a message made here is on disk. */
  emit: EventEmitter<NodeCoreEvents>['emit'];
}

/** What a message made now would put on air (OwnMessages.preview()). */
export interface DraftPreview {
  /** Bytes of its encoded, authenticated message as it would be stored. */
  bytes: number;
  /** The links it would be due on, in the router's order: the cheapest class first. */
  links: LinkPreview[];
}

/** One link a previewed message would be due on, and what it would cost there. */
export interface LinkPreview extends LinkCost {
  link: string;
  costClass: CostClass;
  /** When it falls due there, unix ms: now, or after the latency bound (a costlier fallback). */
  dueAt: number;
  /** Due at once (not only if nothing cheaper confirms it first). */
  dueNow: boolean;
  /** The link is up now. */
  up: boolean;
}

export class OwnMessages {
  readonly #o: OwnMessagesOptions;

  constructor(options: OwnMessagesOptions) {
    this.#o = options;
  }

  /**
   * Encodes, authenticates, stores (synced) and routes a message made here; resolves to its id
   * once it is on disk. `auth`: the issuer's authenticator, for kinds an issuer signs. `via`: the
   * link (and next hop) to send it over instead of the routing table's (a receipt to its hop).
   */
  async submit(draft: Draft, auth?: Authenticator, via?: Via): Promise<string> {
    const { meta, stored } = await this.#o.store.exclusive(() => this.#stage(draft, auth, via));
    await stored;
    this.#o.kick(meta);
    this.#o.emit('state', meta);
    return meta.id;
  }

  /** Bytes of the frame `draft` would be if it were made now and sent over `via` (authenticated by `auth`). */
  frameSize(draft: Draft, via: Via | undefined, auth?: Authenticator): number {
    return this.#prepare(draft, auth, via, this.#o.sequence.next).frame.length;
  }

  /**
   * What `draft` would put on air if it were made now: its encoded size with this node's
   * authentication, and the links the routing table would make it due on, each with its cost for
   * that message alone (link-cost.ts). Nothing is numbered, stored or sent: the frame is encoded
   * with a placeholder sequence number of the same varint width as the next one, so its size is the
   * size the real one will have (unless something else takes numbers across a width meanwhile).
   */
  preview(draft: Draft, auth?: Authenticator): DraftPreview {
    const seq = placeholderSeq(this.#o.sequence.next);
    const { meta, frame } = this.#prepare(draft, auth, undefined, seq);
    const now = this.#o.clock.now();
    const byId = new Map(this.#o.links.map((l) => [l.link.id, l]));
    const links: LinkPreview[] = [];
    for (const [id, dueAt] of Object.entries(meta.out)) {
      const core = byId.get(id);
      if (core === undefined) continue;
      links.push({
        link: id,
        costClass: core.costClass,
        dueAt,
        dueNow: dueAt <= now,
        up: core.link.state.status === 'up',
        ...linkCost(core.link, frame, meta.hopTag),
      });
    }
    return { bytes: frame.length, links };
  }

  /**
   * Takes the next sequence number and stages the message in the store's open group
   * (message-store.ts admit()), under the store's lock; the caller waits for the group outside it,
   * so that concurrent submits and arrivals share one batch and one sync.
   */
  async #stage(draft: Draft, auth: Authenticator | undefined, via: Via | undefined) {
    const seq = this.#o.sequence.next;
    const { meta, frame, message } = this.#prepare(draft, auth, via, seq);
    // Applied before it is stored, as one received is: the centre that revokes a kit refuses it
    // itself, whichever relay has not heard yet.
    if (message.kind === 'control') await this.#o.signed.applyControl(message);
    const stored = this.#o.sequence.stage(seq, (kv) => this.#o.store.admit(meta, frame, { sync: true, kv }));
    return { meta, stored };
  }

  /** Encodes and routes a message made here, without storing it yet. */
  #prepare(draft: Draft, auth: Authenticator | undefined, via: Via | undefined, seq: number) {
    const { clock, keys } = this.#o;
    const nowMs = clock.now();
    const message = {
      kind: draft.kind,
      origin: this.#o.nodeId,
      seq,
      createdAt: Math.max(WIRE_EPOCH, Math.floor(nowMs / 1000)),
      clockUntrusted: !clock.trusted(),
      priority: draft.priority,
      lifetimeMin: draft.lifetimeMin,
      dest: draft.dest,
      flags: draft.flags ?? [],
      body: draft.body,
    } as Message;
    // Kit messages to or from the centre carry the shared MAC; anything else this node's signature.
    const authenticator = auth ?? authenticatorFor(message, this.#o);
    const frame = encodeMessage(message, authenticator);
    const meta = newMeta(
      { ...message, kindCode: KINDS[message.kind].code },
      {
        local: true,
        forMe: false,
        receipt: message.kind === 'receipt',
        broadcastRepeats: this.#o.broadcastRepeats,
      },
    );
    if (authenticator.scheme === 'mac') {
      // The hop tag, for the relays that hold the kit's relay key but not its end-to-end key.
      const kit = macKeyNode(message, keys);
      const relayKey = kit === undefined ? undefined : keys.relayKey(kit);
      if (relayKey) meta.hopTag = hopTag(relayKey, frame);
    }
    this.#o.router.route(meta, via);
    addEvent(meta, { at: nowMs, state: 'queued' });
    return { meta, frame, message };
  }
}

/**
 * A sequence number of the same varint width as `next`, other than `next` itself (the smallest of
 * that width), so that a preview never makes the authenticated frame the next real message will be.
 */
export function placeholderSeq(next: number): number {
  const width = varintLength(next);
  const smallest = width === 1 ? 0 : 128 ** (width - 1);
  return smallest === next ? smallest + 1 : smallest;
}

/**
 * The dispatcher of one link (docs/store-and-forward.md): takes what is due from the store's
 * outbox, highest priority first, never more than the link can take, sends it (fragmenting to the
 * MTU) and records each outcome in the store: the store is the retry mechanism. It runs when
 * something is enqueued, when the link comes up and when the next entry falls due. When the link
 * comes back up, what already went out on it waits for the peer's held confirmations first
 * (docs/store-and-forward.md §Confirmations, "Links that come back").
 *
 * A link that declares `billing` or a minimum interval between sends (docs/links.md
 * §Capabilities) is sent to differently (docs/store-and-forward.md §Satellite): by the shared path
 * this dispatcher owns and delegates to (shared-sender.ts), which records its outcomes here.
 */
import { hasSendWindow, type SendOptions, type SendOutcome } from '../link/link.js';
import { addEvent, type MessageMeta } from '../store/records.js';
import { fragmentFrame } from '../wire/fragment.js';
import { wrapHopTagged } from '../wire/hop-tagged.js';
import { type BackoffOptions, backoffMs } from './backoff.js';
import { meshSendOptions } from './mesh-send-options.js';
import {
  awaitsReply,
  SharedSender,
  type SharedSenderOptions,
  shares,
  WINDOW_POLL_MS,
} from './shared-sender.js';

/** The link, the store and what the shared path reads too (SharedSenderOptions), and the rest. */
export interface DispatcherOptions extends SharedSenderOptions {
  retry: BackoffOptions;
  /** How long a message in custody elsewhere waits before it is sent again, ms (apply-receipt.ts). */
  receiptWaitMs: number;
  /**
   * When the link comes back, what already went out on it waits this long before it is sent
   * again, ms: the confirmations the peer held while the link was down come first.
   */
  upGraceMs: number;
  random: () => number;
  /** Called after each recorded outcome (for status and tests). */
  onOutcome?: (meta: MessageMeta) => void;
}

/** Frames in flight when the link has no send window of its own. */
const DEFAULT_WINDOW = 4;
/** Most frames put in flight by one look at the outbox. */
const MAX_PER_PUMP = 32;
/** Most messages in flight on one link at once. */
const MAX_INFLIGHT = 64;
/** How long a link rests after a send group failed unexpectedly, ms. */
const FAILURE_PAUSE_MS = 5000;

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #inflight = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #pumping = false;
  #again = false;
  #stopped = false;
  readonly #sending = new Set<Promise<void>>();
  /** Ids whose records cannot be read (STORE_CORRUPT): never picked again in this run. */
  readonly #poisoned = new Set<string>();
  #failedAt = 0;
  /** Ids held back once by linkUp() since they were last sent here. */
  readonly #deferred = new Set<string>();
  /** Until when repeats of what went out before the link came back up wait (linkUp()). */
  #graceUntil = 0;
  /** The path of a link that shares its messages (shared-sender.ts); idle on any other link. */
  readonly #sharedSender: SharedSender;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    // Built for every link: a link's capabilities may change, and its holds are checked at once.
    this.#sharedSender = new SharedSender(options, {
      inflight: this.#inflight,
      poisoned: this.#poisoned,
      heldForPeer: (meta, now) => this.#heldForPeer(meta, now),
      holdForPeer: (id) => this.#holdForPeer(id),
      record: (id, outcome, bytes, credits) => this.#record(id, outcome, bytes, credits),
      launch: (ids, send, settled) => this.#launch(ids, send, settled),
      arm: (at) => this.#arm(at),
    });
  }

  get linkId(): string {
    return this.#o.link.id;
  }

  /** Looks at the outbox soon. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    setImmediate(() => void this.#pump());
  }

  /**
   * The link came (back) up: send what waits, but give the peer `upGraceMs` to deliver the
   * confirmations it held before repeating what went out before the link went down (otherwise
   * every outage ends with a burst of copies of messages the peer already has). Once per send: a
   * link that keeps going down within the grace must not hold a message back forever. The hold is
   * decided when a message is picked to be sent, not by a scan here: anything else that wakes the
   * dispatcher at the same moment (a message arriving for this link) would otherwise race the scan
   * and send the repeats at once.
   */
  linkUp(): void {
    if (this.#stopped) return;
    this.#graceUntil = this.#o.now() + this.#o.upGraceMs;
    this.kick();
  }

  /** Whether a due message waits for the grace after the link came up (see linkUp()). */
  #heldForPeer(meta: MessageMeta, now: number): boolean {
    if (now >= this.#graceUntil || meta.expect !== 'confirmation' || this.#deferred.has(meta.id))
      return false;
    // Only what went out on this link: a send refused while it was down (LINK_DOWN) goes at once.
    return sendsOn(meta, this.#o.link.id) > 0;
  }

  /** Moves a message's next send on this link to the end of the grace, once per send. */
  #holdForPeer(id: string): Promise<void> {
    const { store, link } = this.#o;
    this.#deferred.add(id);
    // Ids ended by a receipt are never sent again here: keep the set bounded.
    if (this.#deferred.size > 4096) this.#deferred.delete(this.#deferred.values().next().value as string);
    return store.exclusive(async () => {
      const before = await store.getMeta(id);
      const due = before?.out[link.id];
      if (!before || due === undefined || due >= this.#graceUntil) return;
      const meta = structuredClone(before);
      meta.out[link.id] = this.#graceUntil;
      await store.save(meta, before, { sync: false });
    });
  }

  /** Stops sending and waits for the sends under way to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#sharedSender.stop();
    await Promise.allSettled([...this.#sending]);
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#stopped) return;
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        await this.#pumpOnce();
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.#o.log.error({ err, link: this.linkId }, 'dispatcher failed; retrying in 5 s');
      this.#arm(this.#o.now() + 5000);
    } finally {
      this.#pumping = false;
    }
  }

  async #pumpOnce(): Promise<void> {
    const { link, store } = this.#o;
    if (link.state.status !== 'up') return; // the 'up' event kicks us again
    if (shares(link)) return this.#sharedSender.pump(false);
    if (this.#inflight.size >= MAX_INFLIGHT) return; // each recorded outcome kicks us again
    // The link's own window, capped: due() re-reads the entries in flight, so a huge window
    // would make every pump read the whole outbox.
    const window = Math.min(
      MAX_PER_PUMP,
      hasSendWindow(link) ? link.sendWindow() : DEFAULT_WINDOW - this.#inflight.size,
    );
    if (window <= 0) {
      // The link's window reopens when frames leave the air; the contract has no event for
      // that, so look again shortly.
      this.#arm(this.#o.now() + WINDOW_POLL_MS);
      return;
    }
    const now = this.#o.now();
    const ids = (await store.due(link.id, now, window + this.#inflight.size)).filter(
      (id) => !this.#inflight.has(id),
    );
    if (this.#stopped) return; // stop() came while the outbox was read: nothing new goes out
    const batch = ids.slice(0, window);
    if (batch.length === 0) {
      const next = await store.nextDue(link.id);
      if (next !== undefined) this.#arm(next);
      return;
    }
    this.#launch(batch, () => this.#sendGroup(batch));
    this.#again = true;
  }

  /**
   * Puts a send of these ids in flight, on either path, and once it ended (`settled` first) looks
   * at the outbox again.
   */
  #launch(ids: readonly string[], send: () => Promise<void>, settled?: () => void): void {
    for (const id of ids) this.#inflight.add(id);
    const sending = send()
      .catch((err) => {
        // The entries stay in the outbox: they are due again after a restart or in a while.
        if (!this.#stopped) this.#o.log.error({ err, link: this.linkId }, 'sending failed; retrying in 5 s');
        this.#failedAt = this.#o.now();
      })
      .finally(() => {
        settled?.();
        for (const id of ids) this.#inflight.delete(id);
        this.#sending.delete(sending);
        // After a failure, wait instead of spinning on the same error.
        if (this.#o.now() - this.#failedAt < FAILURE_PAUSE_MS) this.#arm(this.#failedAt + FAILURE_PAUSE_MS);
        else this.kick();
      });
    this.#sending.add(sending);
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.kick(), Math.max(0, at - this.#o.now()) + 5);
    this.#timer.unref();
  }

  async #sendGroup(ids: string[]): Promise<void> {
    const { link, store } = this.#o;
    const items: Array<{
      id: string;
      frame: Uint8Array;
      priority: 0 | 1 | 2 | 3;
      awaitsReply: boolean;
      nextHop?: string;
      shaping: Pick<SendOptions, 'linkAck' | 'reach'>;
    }> = [];
    // One read of the disk for the whole group, not two per message.
    for (const { id, meta, frame, err } of await store.getMessages(ids)) {
      if (err) {
        // A record that cannot be read must not stop the link: skip it from now on, say so once.
        this.#poisoned.add(id);
        this.#o.log.error(
          { err, msgId: id, link: link.id },
          'message record unreadable; skipped on this link',
        );
        continue;
      }
      if (!meta || !frame || meta.out[link.id] === undefined) continue;
      // A pump that read the outbox before another group's outcome was saved may pick a message
      // whose send was just recorded: no longer due, so not sent twice.
      if ((meta.out[link.id] as number) > this.#o.now()) continue;
      if (this.#o.now() > meta.expiresAt * 1000) {
        await this.#o.onExpired(id);
        continue;
      }
      if (this.#heldForPeer(meta, this.#o.now())) {
        await this.#holdForPeer(id);
        continue;
      }
      items.push({
        id,
        // The origin's hop tag goes back around the frame on links that cost nothing, for relays
        // that can check only it (docs/wire-format.md §6.4); billed links go by shared-sender.ts.
        frame: meta.hopTag ? wrapHopTagged(meta.hopTag, frame) : frame,
        priority: meta.priority,
        awaitsReply: awaitsReply(meta),
        ...(meta.nextHop[link.id] ? { nextHop: meta.nextHop[link.id] } : {}),
        shaping: meshSendOptions(meta, link.id),
      });
    }
    const units = items.map((item) => ({
      ids: [item.id],
      frames: fragmentFrame(item.frame, link.mtu),
      priority: item.priority,
      awaitsReply: item.awaitsReply,
      ...(item.nextHop ? { to: item.nextHop } : {}),
      shaping: item.shaping,
    }));
    for (const unit of units) {
      // After stop(), the rest stays in the outbox, due again at the next start.
      if (this.#stopped) return;
      let outcome: SendOutcome = { ok: true };
      let bytes = 0;
      for (const frame of unit.frames) {
        outcome = await link.send(frame, {
          priority: unit.priority,
          ...(unit.awaitsReply ? { awaitsReply: true } : {}),
          ...(unit.to ? { to: unit.to } : {}),
          ...unit.shaping,
        });
        if (!outcome.ok) break;
        bytes += frame.length;
      }
      for (const id of unit.ids) await this.#record(id, outcome, bytes / unit.ids.length, 0);
    }
  }

  /** Records one message's outcome on this link, unless a confirmation has meanwhile ended it. */
  #record(id: string, outcome: SendOutcome, bytes = 0, credits = 0): Promise<void> {
    const { store, link } = this.#o;
    const { billing, confirmationWaitMs } = link.capabilities;
    return store.exclusive(async () => {
      const before = await store.getMeta(id);
      if (!before || before.out[link.id] === undefined) return;
      const meta: MessageMeta = structuredClone(before);
      const now = this.#o.now();
      const attempt = meta.attempts[link.id] ?? 0;
      meta.attempts[link.id] = attempt + 1;
      this.#deferred.delete(id);
      // A billed network (Iridium) stores and forwards what it accepted: a message that wants no
      // receipt (a routine position) needs no word back over it, which would cost money too (an
      // MT message and a mailbox check: confirmations.ts, the other end's rule).
      const handedOver = outcome.ok && billing !== undefined && meta.confirmWith === 'custody';
      if (outcome.ok) {
        meta.txBytes += bytes;
        meta.credits += credits;
        if (meta.state === 'queued') meta.state = 'sent';
        addEvent(meta, { at: now, state: 'sent', link: link.id });
        // Refusals (BUSY, LINK_DOWN) count as attempts for the backoff, not as repeats.
        const repeatsLeft = (meta.repeats ?? 1) - sendsOn(meta, link.id);
        if ((meta.expect === 'confirmation' && !handedOver) || repeatsLeft > 0) {
          // Sent is not delivered: wait for custody or a receipt, and send again if none comes;
          // never before the medium could have brought one back.
          // A message in custody elsewhere was only asking its custodian how it ended.
          const wait = Math.max(confirmationWaitMs, meta.state === 'custody' ? this.#o.receiptWaitMs : 0);
          meta.out[link.id] = now + Math.max(wait, backoffMs(attempt, this.#o.retry, this.#o.random));
        } else {
          delete meta.out[link.id];
        }
      } else if (outcome.retry === 'later') {
        meta.out[link.id] = now + backoffMs(attempt, this.#o.retry, this.#o.random);
        if (attempt === 0)
          addEvent(meta, { at: now, state: meta.state, link: link.id, detail: outcome.code });
      } else {
        delete meta.out[link.id];
        addEvent(meta, { at: now, state: 'failed', link: link.id, detail: outcome.code });
        if (Object.keys(meta.out).length === 0 && (meta.state === 'queued' || meta.state === 'sent')) {
          meta.state = 'failed';
          this.#o.log.warn(
            { msgId: id, link: link.id, code: outcome.code },
            'message failed on its last link',
          );
        }
      }
      if (
        Object.keys(meta.out).length === 0 &&
        (meta.expect === 'none' || handedOver) &&
        meta.state !== 'failed'
      )
        meta.done = true;
      if (meta.state === 'failed') meta.done = true;
      await store.save(meta, before, { sync: false });
      this.#o.onOutcome?.(meta);
    });
  }
}

/**
 * How many times a message went out on a link. A refusal (BUSY, LINK_DOWN) is recorded with the
 * message's state, which is 'sent' once another link took it, and its code: it is not a send.
 */
function sendsOn(meta: MessageMeta, link: string): number {
  return meta.events.filter((e) => e.state === 'sent' && e.link === link && e.detail === undefined).length;
}

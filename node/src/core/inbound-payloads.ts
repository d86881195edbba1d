/**
 * Taking an inbound payload apart (docs/architecture.md §Walk 2, step 3): unpacking a batch,
 * reassembling fragments, handing each whole message frame to the core (message-intake.ts dedups,
 * verifies, stores and routes it), and sorting what fails into foreign payloads and rejections.
 * Here, once, is where the core decides whether inbound bytes are a fieldnode frame at all
 * (docs/architecture.md §Who owns which policy).
 *
 * NodeCore owns it; it knows the core only through the callbacks of InboundPayloadsOptions, so the
 * two cannot form an import cycle.
 */
import { isKitError, KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { InboundFrame } from '../link/link.js';
import { unpackBatch } from '../wire/batch.js';
import { entryShape, malformedVerdict, type NotFieldnodeVerdict, payloadVerdict } from '../wire/classify.js';
import { Reassembler, type ReassemblyResult } from '../wire/fragment.js';
import { HOP_TAGGED_TYPE, unwrapHopTagged } from '../wire/hop-tagged.js';
import type { ForeignPayload } from './foreign-payloads.js';

/** What taking a payload apart needs of the core that owns it. */
export interface InboundPayloadsOptions {
  log: Logger;
  /**
   * Takes in one whole message frame (MessageIntake's dedup, verify, store, custody, route). A throw
   * refuses it: as foreign if the wire's parsers say it is not a fieldnode frame, else as rejected.
   */
  takeMessage: (frame: Uint8Array, inbound: InboundFrame, hopTag?: Uint8Array) => Promise<void>;
  /** A fieldnode frame was refused (NodeCoreEvents `rejected`). */
  onRejected: (rejection: { code: string; link: string; detail: string }, inbound: InboundFrame) => void;
  /** A payload that is not a fieldnode frame, to keep and hand on (NodeCoreEvents `foreign`). */
  onForeign: (item: ForeignPayload) => void;
}

/** Why a payload is kept as foreign: not a fieldnode frame, or from a device not enrolled. */
type ForeignVerdict = NotFieldnodeVerdict | { reason: 'unknown-sender'; detail: string };

export class InboundPayloads {
  readonly #o: InboundPayloadsOptions;
  readonly #reassembler = new Reassembler();

  constructor(options: InboundPayloadsOptions) {
    this.#o = options;
  }

  /**
   * Takes one inbound payload apart, which classifies it, once (node/src/wire/classify.ts): what
   * does not parse as a fieldnode frame is foreign and kept (foreign-payloads.ts); a fieldnode frame
   * that fails later (authentication, replay, reassembly) is rejected. In a batch, the entries that
   * are fieldnode frames are taken in all the same, and the payload is kept whole if any is not.
   */
  async receive(inbound: InboundFrame): Promise<void> {
    let foreign: ForeignVerdict | undefined = payloadVerdict(inbound.bytes);
    let entries: Uint8Array[] = [];
    if (!foreign) {
      try {
        entries = unpackBatch(inbound.bytes);
      } catch (err) {
        foreign = this.#reject(inbound, err);
      }
    }
    for (const [i, entry] of entries.entries()) {
      const verdict = await this.#receiveEntry(entry, inbound);
      if (verdict && !foreign)
        foreign =
          entries.length === 1 ? verdict : { ...verdict, detail: `batch entry ${i}: ${verdict.detail}` };
    }
    if (foreign) this.#keepForeign(inbound, inbound.bytes, foreign);
  }

  /** One entry of a payload, a message or a fragment; the verdict when it is not a fieldnode frame. */
  async #receiveEntry(entry: Uint8Array, inbound: InboundFrame): Promise<ForeignVerdict | undefined> {
    const shape = entryShape(entry);
    if (shape === 'message' || shape === 'hop-tagged') return this.#receiveFrame(entry, inbound);
    if (shape !== 'fragment') return shape;
    let r: ReassemblyResult;
    try {
      r = this.#reassembler.accept(entry, `${inbound.link}/${inbound.meta?.from ?? ''}`);
    } catch (err) {
      return this.#reject(inbound, err);
    }
    if (r.status !== 'complete') return undefined;
    // The fragments were fieldnode's; a whole that is not is kept as it came together.
    const verdict = await this.#receiveFrame(r.frame, inbound);
    if (verdict)
      this.#keepForeign(inbound, r.frame, { ...verdict, detail: `reassembled: ${verdict.detail}` });
    return undefined;
  }

  /**
   * One message frame, bare or in its hop-tagged container (docs/wire-format.md §6.4); the
   * verdict when it is not a fieldnode message.
   */
  async #receiveFrame(bytes: Uint8Array, inbound: InboundFrame): Promise<ForeignVerdict | undefined> {
    let frame = bytes;
    let hopTag: Uint8Array | undefined;
    if (bytes[0] === HOP_TAGGED_TYPE) {
      try {
        ({ tag: hopTag, frame } = unwrapHopTagged(bytes));
      } catch (err) {
        return this.#reject(inbound, err);
      }
    }
    const shape = entryShape(frame);
    if (shape === 'fragment' || shape === 'hop-tagged')
      return { reason: 'malformed', detail: `a ${shape} where a message belongs` };
    if (shape !== 'message') return shape;
    try {
      await this.#o.takeMessage(frame, inbound, hopTag);
      return undefined;
    } catch (err) {
      return this.#reject(inbound, err);
    }
  }

  /**
   * A payload could not be taken in. When the wire parsers say it is not a fieldnode frame, returns
   * why, for the caller to keep it as foreign; otherwise the frame is refused: logged and emitted as
   * `rejected`, unless it was only not said to this node (a relay-tagged receipt to everyone with no
   * tag for it: docs/wire-format.md §6.5). (Of the steps of taking a message in, only its decode
   * throws the wire's shape codes that malformedVerdict reads: the entry's version was read before,
   * by entryShape.)
   */
  #reject(inbound: InboundFrame, err: unknown): ForeignVerdict | undefined {
    const foreign = malformedVerdict(err);
    if (foreign) return foreign;
    if (isKitError(err, 'AUTH_NO_TAG_HERE')) {
      this.#o.log.debug({ link: inbound.link, from: inbound.meta?.from }, err.message);
      return undefined;
    }
    if (isKitError(err, 'CORE_UNKNOWN_SENDER')) {
      this.#o.log.warn({ link: inbound.link, from: inbound.meta?.from }, err.message);
      return { reason: 'unknown-sender', detail: err.message };
    }
    if (!(err instanceof KitError)) {
      this.#o.log.error({ err, link: inbound.link }, 'inbound frame broke the core; frame dropped');
      return undefined;
    }
    const level = err.code.startsWith('AUTH_') ? 'warn' : 'debug';
    this.#o.log[level]({ code: err.code, link: inbound.link, from: inbound.meta?.from }, err.message);
    this.#o.onRejected({ code: err.code, link: inbound.link, detail: err.message }, inbound);
    return undefined;
  }

  /** Keeps a payload that is not a fieldnode frame, and hands it to the `foreign` listeners. */
  #keepForeign(inbound: InboundFrame, bytes: Uint8Array, verdict: ForeignVerdict): void {
    const { from, source } = inbound.meta ?? {};
    const item: ForeignPayload = {
      link: inbound.link,
      ...(from === undefined ? {} : { from }),
      ...(source === undefined ? {} : { source }),
      bytes: Uint8Array.from(bytes),
      reason: verdict.reason,
      detail: verdict.detail,
      receivedAt: inbound.receivedAt,
    };
    this.#o.onForeign(item);
  }
}

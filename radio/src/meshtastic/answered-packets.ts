/**
 * The packet each sender last sent us, so that a direct message back to it names that packet as
 * the one it answers (`Data.request_id`) and teaches radios next-hop routes (docs/meshtastic.md
 * §5.2 "Learning", §8.5; docs/store-and-forward.md §Airtime on the mesh).
 *
 * Firmware 2.6 and later learns a destination's next hop only from an ACK or reply coming back: a
 * decoded packet whose `request_id` names a packet the radio sent or relayed. fieldnode's frames
 * go without want_ack (the radio's ACKs cost more airtime than they save), so no ACK comes back,
 * and without this a report would flood within its hop limit every time. A receipt from the
 * gateway naming the kit's report it answers is a reply in the firmware's sense: the kit learns
 * which neighbour brought it, and so do the relays on the way when they can read it (a direct
 * message PKI-encrypted to its destination they cannot: then only the two ends learn their first
 * hop). A frame from a kit can teach the gateway a route back only by naming a packet the gateway
 * sent it within the radios' packet history, which a kit reporting every quarter hour seldom has.
 *
 * Only a packet heard within that history's lifetime is named: an older one is in no radio's
 * history, so naming it would teach nothing. A bounded map, the sender heard longest ago
 * forgotten first.
 */

/** What `request_id` adds to an encoded `Data`: its tag and a fixed32 (docs/meshtastic.md §2.4). */
export const REQUEST_ID_BYTES = 5;

/**
 * The largest payload a frame may carry and still name a packet: a PKI direct message holds 219
 * bytes of payload without it (docs/meshtastic.md §2.4). A larger frame names nothing rather than
 * be refused TOO_LARGE.
 */
export const LARGEST_NAMING_PAYLOAD = 219 - REQUEST_ID_BYTES;

/** `FLOOD_EXPIRE_TIME`: how long a radio's packet history keeps a packet (docs/meshtastic.md §2.7). */
export const PACKET_HISTORY_MS = 600_000;

export class AnsweredPackets {
  readonly #capacity: number;
  readonly #freshMs: number;
  readonly #latest = new Map<number, { id: number; at: number }>();

  /**
   * `freshMs`: how long a packet may be named after it was heard (default the firmware's
   * history lifetime; a simulation at speed-up shrinks it). `capacity`: how many senders are
   * remembered (default 256).
   */
  constructor(freshMs = PACKET_HISTORY_MS, capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    if (!(freshMs >= 0)) throw new RangeError('freshMs must be a non-negative number');
    this.#capacity = capacity;
    this.#freshMs = freshMs;
  }

  /** Notes that `from` sent us packet `id` at `at` (Unix ms). Id 0 (none) is ignored. */
  heard(from: number, id: number, at: number): void {
    if (id === 0) return;
    this.#latest.delete(from);
    this.#latest.set(from, { id: id >>> 0, at });
    if (this.#latest.size > this.#capacity) {
      const oldest = this.#latest.keys().next().value;
      if (oldest !== undefined) this.#latest.delete(oldest);
    }
  }

  /** The packet a frame to `to` at `now` answers: the last one `to` sent us, if still fresh; else 0. */
  answerTo(to: number, now: number): number {
    const last = this.#latest.get(to);
    if (last === undefined || now - last.at > this.#freshMs || now < last.at) return 0;
    return last.id;
  }
}

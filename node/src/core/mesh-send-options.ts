/**
 * What the core tells a link about a frame's confirmation and reach (docs/store-and-forward.md
 * §Airtime on the mesh; docs/links.md §The link contract, SendOptions `linkAck` and `reach`):
 * pure functions of a message's record, used by the dispatcher for every frame it sends.
 *
 * - `linkAck: 'none'` for a receipt (sent once, confirmed by nothing) and for the first
 *   {@link CHEAP_SENDS} sends of a message that expects a confirmation: it gets custody or a
 *   receipt from its next hop and is sent again when none comes, whatever the link said, and a
 *   radio's own ACK would only be relayed back across the mesh. A message sent that often without
 *   an answer is on a path that loses what it is given; from then on it asks for the link's
 *   acknowledgement again, which on a mesh brings the radio's own retransmissions (and, on
 *   firmware 2.6 and later, a next hop learnt from the ACK, whose relays retransmit too).
 *   Broadcasts keep the link's own rule (their repeats are counted, not confirmed).
 * - `reach: 'heard'` for a receipt: it answers a frame just heard from the hop it goes to, and a
 *   lost one is asked for again by a retransmission that brings a fresh hop count. Everything
 *   else goes the link's usual reach: a message that expects a confirmation is worth more paths
 *   than the shortest one heard (measured: kits sending their reports no farther than the
 *   gateway was last heard from lost more of them on the lossy links of the mesh benchmark, and
 *   their resends cost more than the relays saved; docs/mesh-simulator.md §Figures).
 */
import type { SendOptions } from '../link/link.js';
import type { MessageMeta } from '../store/records.js';

/**
 * Sends of a message that go without the link's acknowledgement before it asks for it again: about
 * 13 minutes of confirmation waits and backoff on LONG_FAST. From the 3rd or 5th send the radio
 * ACKs cost 4–9 s of airtime per delivered report in the mesh benchmark; from the 9th only the
 * reports of kits cut off or on the longest lossy chains reach it (docs/mesh-simulator.md §Figures).
 */
export const CHEAP_SENDS = 8;

export function meshSendOptions(meta: MessageMeta, link: string): Pick<SendOptions, 'linkAck' | 'reach'> {
  if (meta.repeats !== undefined) return {};
  if (meta.expect === 'none') return { linkAck: 'none', reach: 'heard' };
  return (meta.attempts[link] ?? 0) < CHEAP_SENDS ? { linkAck: 'none' } : {};
}

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
 * - `reach: 'heard'` for everything confirmed or confirming, at first: a frame goes no farther
 *   than its next hop was last heard. A receipt answers a frame just heard from the hop it goes
 *   to, and a lost one is asked for again by a retransmission that brings a fresh hop count. A
 *   message that expects a confirmation goes that far for its first {@link SHORT_SENDS} sends:
 *   its next hop's answers name the frames they answer (docs/meshtastic.md §8.5), so on firmware
 *   2.6 and later the radios on the way learn a next-hop route and it is relayed along that chain
 *   only, and a hop limit beyond the chain's length would only make its last relay, which never
 *   hears the destination pass it on, flood a fallback copy (docs/meshtastic.md §5.2). Measured
 *   on the mesh benchmark: a fifth to a quarter less airtime per delivered report on a 2.6+ mesh,
 *   the same on a pre-2.6 one, and no gain where the receipts are PKI-encrypted so that relays
 *   cannot read them (docs/mesh-simulator.md §Next hops from fieldnode's own answers). After
 *   those sends it takes the usual reach again: every path the hop limit allows.
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

/**
 * Sends of a message that go no farther than its next hop was last heard. The hop count heard is
 * the way the next hop's frames came to us, which is not always the way ours go to it: a strong
 * gateway heard straight by a kit it cannot hear, or a relay gone off the air since. A message
 * unanswered after these sends (about two minutes for 3 hops on LONG_FAST) goes with every path
 * the hop limit allows; a P0 message does after its first.
 */
export const SHORT_SENDS = 2;

export function meshSendOptions(meta: MessageMeta, link: string): Pick<SendOptions, 'linkAck' | 'reach'> {
  if (meta.repeats !== undefined) return {};
  if (meta.expect === 'none') return { linkAck: 'none', reach: 'heard' };
  const sent = meta.attempts[link] ?? 0;
  // A P0 message (an SOS, a warning's answer) risks one confirmation wait on a wrong guess, not two.
  if (sent < (meta.priority === 0 ? 1 : SHORT_SENDS)) return { linkAck: 'none', reach: 'heard' };
  return sent < CHEAP_SENDS ? { linkAck: 'none' } : {};
}

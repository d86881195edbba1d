/**
 * A route's `next_hop` names a peer its link declares (docs/store-and-forward.md §Routing;
 * docs/conventions.md §Configuration). A next hop the link does not know fails every send for
 * good, or goes out and has its custody signal ignored, since the signal is matched to the hop by
 * the link's configured neighbours; so a mistyped one is a problem in the file, with the peer it
 * most likely meant (did-you-mean.ts) and where the link's peers are declared.
 *
 * What a link declares, by type:
 * - udp: the names under its `peers`, which the UDP link sends to by name;
 * - meshtastic: the node numbers under its `neighbours`. Either spelling the radio reads is
 *   accepted (`!a1b2c3d4`, any case, or decimal); the route keeps the one the composition root
 *   gives the neighbours (`!` and 8 lower-case hex digits), so the custody signal matches;
 * - rockblock and directip: the IMEIs under its `imeis`, the enrolled kits;
 * - iridium-sbd: nothing: the modem talks only to the Iridium gateway, and the node behind it is
 *   `peer_node`, so a next hop there is refused.
 * - beidou: the card numbers under its `cards`, and its `centre_card`.
 */
import { show } from '../base/errors.js';
import { didYouMean } from './did-you-mean.js';
import { meshAddress, meshNodeNumber } from './mesh-address.js';
import type { Section } from './reader.js';
import type { LinkConfig } from './schema.js';

/** Peers named in a problem at most; a centre may enrol hundreds of IMEIs. */
const LISTED = 6;

/**
 * The route's next hop as the core keeps it, or undefined after recording a problem under
 * `next_hop` in `s` (the route). `linkPath` is where the link is in the file (`links[2]`).
 */
export function checkNextHop(
  s: Section,
  hop: string,
  link: LinkConfig,
  linkPath: string,
): string | undefined {
  switch (link.type) {
    case 'udp':
      return known(
        s,
        hop,
        link.id,
        'peer',
        `${linkPath}.peers`,
        link.peers.map((p) => p.name),
      );
    case 'meshtastic': {
      const num = meshNodeNumber(hop);
      const declared = Object.keys(link.neighbours);
      if (num !== undefined && declared.some((n) => meshNodeNumber(n) === num)) return meshAddress(num);
      return known(s, hop, link.id, 'neighbour', `${linkPath}.neighbours`, declared);
    }
    case 'rockblock':
    case 'directip':
      return known(s, hop, link.id, 'IMEI', `${linkPath}.imeis`, Object.keys(link.imeis));
    case 'beidou': {
      const cards = [...Object.keys(link.cards), ...(link.centreCard === undefined ? [] : [link.centreCard])];
      return known(s, hop, link.id, 'card', `${linkPath}.cards`, cards);
    }
    case 'iridium-sbd':
      s.problem(
        'next_hop',
        `not used on link ${link.id}, of type iridium-sbd: its modem sends only to the Iridium ` +
          'gateway, and peer_node names the node behind it; leave next_hop out',
      );
      return undefined;
  }
}

function known(
  s: Section,
  hop: string,
  linkId: string,
  what: string,
  where: string,
  declared: readonly string[],
): string | undefined {
  if (declared.includes(hop)) return hop;
  const missing = `no ${what} ${show(hop)} on link ${linkId}`;
  if (declared.length === 0) {
    s.problem('next_hop', `${missing}: it declares none; add it under ${where}`);
    return undefined;
  }
  const shown = declared.slice(0, declared.length > LISTED ? LISTED - 1 : LISTED).join(', ');
  const more = declared.length > LISTED ? ` and ${declared.length - (LISTED - 1)} more` : '';
  s.problem(
    'next_hop',
    `${missing}${didYouMean(hop, declared)}: name one of its ${what}s (${shown}${more}) or add it under ${where}`,
  );
  return undefined;
}

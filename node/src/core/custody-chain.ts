/**
 * Custody along a chain of relays (docs/store-and-forward.md §Confirmations): who a message's
 * previous hop is now that more neighbours may be known, and how a relay that handed a message on
 * asks its own custodian again when its previous hop asks it. Pure functions of the records and
 * the links; message-intake.ts saves what they return.
 */
import type { MessageMeta } from '../store/records.js';
import { type PrevHop, sentToward } from './confirmations.js';
import type { CoreLink } from './core-types.js';

/** The neighbours (address → node id) of one link, if there is such a link. */
export function neighboursOn(
  links: readonly CoreLink[],
): (link: string) => Record<string, number> | undefined {
  return (id) => links.find((l) => l.link.id === id)?.neighbours;
}

/** The hop with its node id looked up again: a neighbour may have become known since. */
export function knownHop(hop: PrevHop, links: readonly CoreLink[]): PrevHop {
  if (hop.node !== undefined || hop.from === undefined) return hop;
  const node = neighboursOn(links)(hop.link)?.[hop.from];
  return node === undefined ? hop : { ...hop, node };
}

/**
 * A relay that handed a message on and still has no word from the destination, asked again by
 * its previous hop, asks its own custodian again: otherwise a vouched receipt lost between two
 * relays would leave the origin asking a relay that never learns more. Returns the record sent
 * again toward the custodian now, or undefined when there is nothing to ask.
 */
export function reopenTowardCustodian(
  existing: MessageMeta,
  links: readonly CoreLink[],
  now: number,
): MessageMeta | undefined {
  if (existing.local || existing.forMe || existing.state !== 'custody' || existing.custodyBy === undefined)
    return undefined;
  const custodian = existing.custodyBy;
  const toward = Object.keys(existing.attempts).filter((l) =>
    sentToward(existing, custodian, l, neighboursOn(links)),
  );
  if (toward.length === 0) return undefined;
  const meta = structuredClone(existing);
  for (const l of toward) meta.out[l] = now;
  meta.done = false;
  return meta;
}

/**
 * What one message costs on one link when its dispatcher sends it alone (docs/store-and-forward.md
 * §Satellite, §Sending; docs/links.md §Capabilities `billing`, §The mtu of a satellite link): the
 * bytes that go on the medium, in how many frames, and the billed units (credits) of those frames.
 *
 * It follows the dispatcher's two paths and reuses their parts rather than restating them: a link
 * that shares its messages (shared-sender.ts `shares`: it bills, or may send only so often) is
 * given the stored frame bare, cut to its mtu when longer; any other link is given the frame inside
 * the origin's hop tag (docs/wire-format.md §6.4) when the message has one, cut to its mtu. Units
 * are billing.ts's `billedUnits` per frame sent, as the shared sender counts them.
 *
 * "Alone" is the most it costs: on a billed link a message that waits its hold may share a frame
 * with others, and then pays only its share of the bytes beyond the minimum.
 */
import type { Link } from '../link/link.js';
import { fragmentFrame } from '../wire/fragment.js';
import { wrapHopTagged } from '../wire/hop-tagged.js';
import { billedUnits } from './billing.js';
import { shares } from './shared-sender.js';

export interface LinkCost {
  /** Bytes put on the link: hop tag and fragment headers included. */
  bytes: number;
  /** Frames the link is given (more than one when the message is longer than the link's mtu). */
  frames: number;
  /** Whether the link bills what it sends (`capabilities.billing`). */
  billed: boolean;
  /** Billed units (satellite credits) of those frames; 0 on a link that bills nothing. */
  units: number;
}

/** What `frame` (a stored message, with its `hopTag` if it has one) costs on `link`, sent alone. */
export function linkCost(link: Link, frame: Uint8Array, hopTag: Uint8Array | undefined): LinkCost {
  const { billing } = link.capabilities;
  const sent = shares(link) || hopTag === undefined ? frame : wrapHopTagged(hopTag, frame);
  const frames = fragmentFrame(sent, link.mtu);
  let bytes = 0;
  let units = 0;
  for (const f of frames) {
    bytes += f.length;
    if (billing) units += billedUnits(f.length, billing);
  }
  return { bytes, frames: frames.length, billed: billing !== undefined, units };
}

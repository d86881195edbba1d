/**
 * What the composition root's link factories return and take (docs/architecture.md §The
 * composition root): a built link with the neighbours its configuration names, and what a link may
 * need to know of the node it serves.
 */
import type { Link } from '../link/link.js';

export interface BuiltLink {
  link: Link;
  /** Link address → node id of configured neighbours (for custody signals). */
  neighbours: Record<string, number>;
  /**
   * True when the link's senders are enrolled devices: every frame it hands on carries the
   * sending device's address in `meta.from` as the carrier reported it (an IMEI: Rock7's signed
   * push, the DirectIP gateway's MO header), and `neighbours` is the list of the devices enrolled
   * for this link (the configured `imeis`). A frame whose `from` is not in `neighbours` then comes
   * from a device that is not ours (docs/centre-doors.md §Which device sent a frame). Absent for
   * links whose senders are anyone in range (mesh, UDP). The carrier's word is not proof of who
   * wrote the frame: the core still authenticates the frame itself.
   */
  sendersEnrolled?: true;
}

/** What a link may need to know of the node it serves. */
export interface LinkContext {
  /** The county centre's node ids (the satellite's peer by default). */
  centreNodes: readonly number[];
}

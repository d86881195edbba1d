/**
 * What the composition root's link factories return and take (docs/architecture.md §The
 * composition root): a built link with the neighbours its configuration names, and what a link may
 * need to know of the node it serves and where it may keep things (docs/centre-doors.md §What the
 * doors keep, §Duplicates and restarts).
 */
import type { Link } from '../link/link.js';
import type { ForeignPayloadRecord } from '../store/foreign-payload-file.js';

/** Whether a centre satellite link sends MT messages, and why not (docs/centre-doors.md §Receiving only). */
export type MtStatus = { on: true } | { on: false; reason: string };

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
  /** A centre satellite link: whether it sends MT messages (a RockBLOCK link without credentials does not). */
  mt?: MtStatus;
}

/** What a link may need to know of the node it serves. */
export interface LinkContext {
  /** The county centre's node ids (the satellite's peer by default). */
  centreNodes: readonly number[];
  /**
   * The node's data directory, where a centre door keeps the keys of the deliveries it took
   * (seen-deliveries-file.ts). Absent: they are kept in memory only.
   */
  dataDir?: string;
  /**
   * Keeps a delivery the carrier was told had arrived but that is not handed on as a frame (a
   * RockBLOCK push whose signed claims are not the documented shape): the daemon appends it to the
   * foreign payload file. Absent: it is only logged.
   */
  keep?: (record: ForeignPayloadRecord) => void;
}

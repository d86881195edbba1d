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
}

/** What a link may need to know of the node it serves. */
export interface LinkContext {
  /** The county centre's node ids (the satellite's peer by default). */
  centreNodes: readonly number[];
}

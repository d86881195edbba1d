/**
 * A Meshtastic node number as the configuration file writes it (docs/meshtastic.md §2.1): the key
 * of a `neighbours` entry, or a route's `next_hop` on a meshtastic link. The radio link reads the
 * same forms (radio/src/meshtastic/node-id.ts); configuration may not import an adapter
 * (docs/architecture.md §The dependency rule), so the rule is written again here.
 */

/** `!` and 1–8 hex digits, as the Meshtastic apps show a node, or the number in decimal. */
const MESH_NODE = /^(![0-9a-fA-F]{1,8}|[1-9][0-9]{0,9})$/;
const BROADCAST = 0xffff_ffff;

/** The node number `text` names, or undefined if it names no single node (0, broadcast, junk). */
export function meshNodeNumber(text: string): number | undefined {
  if (!MESH_NODE.test(text)) return undefined;
  const num = text.startsWith('!') ? Number.parseInt(text.slice(1), 16) : Number(text);
  return num > 0 && num < BROADCAST ? num : undefined;
}

/**
 * The spelling the composition root gives a neighbour's address (radio-links.ts) and the radio
 * gives a sender: `!` and 8 lower-case hex digits, e.g. `!0a0b0c0d`.
 */
export function meshAddress(num: number): string {
  return `!${num.toString(16).padStart(8, '0')}`;
}

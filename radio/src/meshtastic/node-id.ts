/**
 * Meshtastic node numbers as strings (docs/meshtastic.md §2.1): the form fieldnode uses for a
 * mesh link address is the one Meshtastic itself shows and stores in `User.id`, `!` and eight
 * lower-case hex digits, e.g. `!0a0b0c0d` for node number 168496141.
 */
import { BROADCAST_NUM } from './constants.js';

/** `!` and 8 lower-case hex digits. */
export function formatNodeId(num: number): string {
  return `!${(num >>> 0).toString(16).padStart(8, '0')}`;
}

const HEX_ID = /^!([0-9a-f]{1,8})$/i;
const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;

/**
 * The node number a link address names, or undefined if it names none. Accepted forms:
 * - `!` and 1–8 hex digits, any case (`!0a0b0c0d`, `!a0b0c0d`, `!A0B0C0D`), as Meshtastic writes ids;
 * - a decimal number (`168496141`), as the node number appears in the protobufs.
 *
 * Node 0 and the broadcast number 0xFFFFFFFF (`!ffffffff`) name no single node: undefined.
 */
export function parseNodeId(address: string): number | undefined {
  const hex = HEX_ID.exec(address);
  const num = hex
    ? Number.parseInt(hex[1] as string, 16)
    : DECIMAL.test(address)
      ? Number(address)
      : Number.NaN;
  if (!Number.isInteger(num) || num <= 0 || num >= BROADCAST_NUM) return undefined;
  return num;
}

/**
 * The control socket's `release` request (docs/centre-doors.md §Releasing a kept frame; docs/security.md
 * §The centre's doors): the duty officer hands a payload that a satellite door kept as foreign
 * (reason 'unknown-sender') back to the running daemon, which takes it in again without asking
 * whether the sending device is enrolled.
 *
 * `{"cmd":"release","link":"rockblock0","from":"300434060000001","hex":"50…"}`, answered `{"ok":true}`
 * or `{"error":{"code","message"}}`. The request is checked strictly, every problem listed, before
 * anything reaches the core: the socket is local and 0600, but whatever it hands on skips a check.
 */
import type { ReleaseItem } from '../app-contract.js';
import { show } from '../base/errors.js';
import { MAX_HOP_TAGGED_BYTES } from '../wire/hop-tagged.js';

/** Longest link id and sender address accepted, characters. */
export const MAX_RELEASE_NAME_CHARS = 64;
/** Longest payload accepted, as hex: the largest frame, the largest message in its hop-tagged container. */
export const MAX_RELEASE_HEX_CHARS = 2 * MAX_HOP_TAGGED_BYTES;
/**
 * Longest release request line, bytes: the hex, both names with every character escaped by JSON
 * (`\u00XX`, 6 bytes), and the field names.
 */
export const MAX_RELEASE_LINE_BYTES = MAX_RELEASE_HEX_CHARS + 2 * 6 * MAX_RELEASE_NAME_CHARS + 128;

/** What the command line sends: the payload as the foreign payload file holds it, in hex. */
export interface ReleaseRequest {
  link: string;
  from?: string;
  hex: string;
}

const FIELDS = new Set(['cmd', 'link', 'from', 'hex']);
const HEX = /^[0-9a-fA-F]*$/;

/** The request line for `item` (without its newline). */
export function releaseRequestLine(item: ReleaseRequest): string {
  return JSON.stringify({
    cmd: 'release',
    link: item.link,
    ...(item.from !== undefined ? { from: item.from } : {}),
    hex: item.hex,
  });
}

/**
 * Checks a parsed `release` request and turns it into what the core takes; every problem is listed.
 * Never throws.
 */
export function parseReleaseRequest(
  request: Record<string, unknown>,
): { ok: true; item: ReleaseItem } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(request)) if (!FIELDS.has(key)) problems.push(`unknown field ${show(key)}`);
  const { link, from, hex } = request;
  if (!isName(link)) problems.push(`link: a link id of 1 to ${MAX_RELEASE_NAME_CHARS} characters`);
  if (from !== undefined && !isName(from))
    problems.push(`from: when given, a sender address of 1 to ${MAX_RELEASE_NAME_CHARS} characters`);
  if (typeof hex !== 'string' || hex.length === 0 || hex.length % 2 !== 0 || !HEX.test(hex)) {
    problems.push('hex: the payload as a non-empty, even number of hex digits');
  } else if (hex.length > MAX_RELEASE_HEX_CHARS) {
    problems.push(
      `hex: ${hex.length / 2} bytes is over the ${MAX_HOP_TAGGED_BYTES} of the largest frame the core takes in`,
    );
  }
  if (problems.length > 0 || typeof link !== 'string' || typeof hex !== 'string')
    return { ok: false, problems };
  return {
    ok: true,
    item: {
      link,
      ...(typeof from === 'string' ? { from } : {}),
      bytes: new Uint8Array(Buffer.from(hex, 'hex')),
    },
  };
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_RELEASE_NAME_CHARS;
}

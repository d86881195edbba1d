/**
 * Whether this node may act on an inbound message frame, and with what trust (docs/security.md
 * §Checked at this hop, §The centre's doors): a message for this node is verified in full; one to
 * be relayed is checked with whatever key this node holds; on a satellite door, the sending device
 * must be enrolled or the frame must check end to end. Pure: message-intake.ts stores, confirms and
 * routes what it says.
 */
import { KitError } from '../base/errors.js';
import { type CheckedBy, checkAtHop, type KeyRing, verifyFrame } from '../crypto/authenticate.js';
import { KINDS } from '../wire/kinds.js';
import type { DecodedFrame, Message } from '../wire/message.js';

export interface InboundCheckInput {
  decoded: DecodedFrame;
  hopTag: Uint8Array | undefined;
  /** Addressed to this node (or a broadcast it belongs to). */
  forMe: boolean;
  keys: KeyRing;
  /** This node's time, unix seconds, and whether "now is past T" can be said with it. */
  now: number;
  clockTrusted: boolean;
  /**
   * The frame came on a link whose senders are enrolled devices, from one that is not (an
   * unknown IMEI), and the duty officer did not release it. Undefined otherwise.
   */
  unknownSender?: { from: string | undefined };
}

export type InboundCheck =
  /** Checked: `message` when it is for this node and verified in full (not yet in the replay window). */
  { checked: true; by: CheckedBy; message?: Message; flag?: string } | { checked: false; reason: string };

/**
 * Checks an inbound frame. Throws a KitError when a key this node holds refuses it (forged,
 * altered, revoked, expired, below its issuer's floor, no authentication), and CORE_UNKNOWN_SENDER
 * when a device that is not enrolled sent what does not check end to end (kept as foreign).
 */
export function checkInbound(input: InboundCheckInput): InboundCheck {
  const { decoded, forMe } = input;
  const timing = { keys: input.keys, now: input.now, clockTrusted: input.clockTrusted };
  let result: InboundCheck;
  if (forMe && decoded.message) {
    // The replay window is the caller's: it looks once the store said whether this is a duplicate
    // (which is confirmed again), and records only once the message is on disk.
    const message = verifyFrame(decoded, { ...timing, replay: { accept: () => 'new' } });
    const by: CheckedBy =
      KINDS[message.kind].auth === 'signature'
        ? 'issuer'
        : decoded.envelope.auth === 'signature'
          ? 'node'
          : decoded.envelope.auth === 'relay-tags'
            ? 'relay-tag'
            : 'mac';
    result = { checked: true, by, message };
  } else {
    result = checkAtHop(decoded, input.hopTag, timing);
  }
  if (input.unknownSender === undefined) return result;
  const { from } = input.unknownSender;
  if (!result.checked) throw unknownSender(from, result.reason);
  // A crew swapped modems, or a gateway relays a kit: taken, and said. A hop tag only says a
  // gateway vouches, and gateways do not sit behind an unknown IMEI.
  if (result.by === 'hop-tag') throw unknownSender(from, 'only a hop tag checks it');
  return {
    ...result,
    flag: `from ${from ?? 'an unnamed device'}, which is not enrolled, verified (${result.by})`,
  };
}

function unknownSender(from: string | undefined, why: string): KitError {
  return new KitError(
    'CORE_UNKNOWN_SENDER',
    `a frame from ${from ?? 'an unnamed device'}, which is not enrolled, and ${why}: kept for the duty officer`,
  );
}

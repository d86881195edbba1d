/**
 * How the two ends of an Iridium hop time their confirmations (docs/store-and-forward.md
 * §Satellite): the one place both the centre's core (which holds the receipts it sends back) and
 * the kit's SBD link (which knows when one is due, and looks for it once if its ring alert was
 * missed) read them from.
 */

/**
 * How long receipts that go back over a satellite hop are held, by the priority of the most urgent
 * message they confirm, ms: every MT message costs at least a credit and, through its ring alert,
 * a mailbox check, so the ranges of many MO messages share one. A P0's receipt waits a minute (the
 * P0 itself went at once); a routine one half an hour.
 */
export const SATELLITE_RECEIPT_HOLD_MS: readonly [number, number, number, number] = [
  60_000, 600_000, 1_800_000, 1_800_000,
];

/**
 * How long after a receipt's hold has run out the kit's SBD link waits for it before it checks the
 * mailbox once by itself (the ring alert that announces an MT can be missed: docs/iridium.md §1.3), ms:
 * the MO's trip to the centre, the MT API call, the ring and the session.
 */
export const SATELLITE_REPLY_GRACE_MS = 300_000;

/**
 * How long fieldnode waits, after Iridium accepted a message, for the other end's confirmation to
 * come back before it sends the message again (the link contract's ConfirmationWait capability,
 * node/src/link/link.ts), for the kit's SBD link and the centre's RockBLOCK and DirectIP links.
 * A repeat costs credits, and the confirmation is slow by design: the centre's receipt hold above
 * (only the centre holds receipts; a kit's SBD link holds its frames up to its own P1/P2 holds, 5
 * and 30 min, and P3's 2 h, which this does not cover: a P3 from the centre to a kit may be sent
 * twice), an MT waiting for the kit's next session, a missed ring alert. An hour covers the rest;
 * a message still unconfirmed then is sent again.
 */
export const SATELLITE_CONFIRMATION_WAIT_MS = 3_600_000;

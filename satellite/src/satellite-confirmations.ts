/**
 * How the two ends of an Iridium hop time their confirmations (docs/store-and-forward.md
 * §Satellite): the one place both the centre's core (which holds the receipts it sends back) and
 * the kit's SBD link (which knows when one is due, and looks for it once if its ring alert was
 * missed) read them from.
 */

/**
 * How long receipts that go back over a satellite hop are held, by the priority of the most urgent
 * message they confirm, ms: every MT message costs at least a credit and, through its ring alert,
 * a mailbox check, so the ranges of many MO messages share one. A P0's receipt waits 10 minutes
 * (the P0 itself went at once; only its confirmation waits), every other half an hour: well inside
 * the hour's confirmation wait below. Measured on the satellite benchmark's day
 * (docs/store-and-forward.md §Satellite): 1 and 10 min cost 64 MT messages, these 27. Per-link
 * configuration may say otherwise (`receipt_hold_s`).
 */
export const SATELLITE_RECEIPT_HOLD_MS: readonly [number, number, number, number] = [
  600_000, 1_800_000, 1_800_000, 1_800_000,
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

/**
 * The longest a kit's SBD link leaves its mailbox unchecked, ms: a ring alert can be missed
 * (docs/iridium.md §1.3), and a kit with nothing to send would otherwise leave a warning waiting
 * at the gateway until it next sends. Each check with nothing to carry costs a credit, so an hour
 * costs at most 24 credits an idle day (docs/store-and-forward.md §Satellite); while a warning is
 * active the link checks every 10 minutes anyway.
 */
export const SATELLITE_MAX_MAILBOX_SILENCE_MS = 3_600_000;

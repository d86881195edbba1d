/**
 * One SBD session in the order docs/iridium.md §7.1 "Send" and §7.2 give, for the link to
 * call: SBDD0 → SBDWB (when there is a payload) → SBDIX[A] → classify → SBDRB when MT status is 1
 * (before anything else: the next session clears the MT buffer) → SBDD0 after success (otherwise
 * the next mailbox check re-sends and re-bills the same message).
 *
 * It makes exactly one attempt. Whether and when to try again, and whether to loop mailbox checks
 * while `mtQueued > 0`, is the link's policy (§7.2), decided from the returned values.
 */
import { isKitError, KitError } from '../../../node/src/base/errors.js';
import { classifyMoStatus } from './mo-status.js';
import type { MoStatusClass, SbdModem, SbdSessionResult } from './sbd-modem.js';

export interface SbdExchangeOptions {
  /** The MO message, 1–340 bytes; omitted for a mailbox check. */
  payload?: Uint8Array;
  /** Answer an SBDRING with AT+SBDIXA (only then, §7.1). */
  answerRing?: boolean;
}

export interface SbdExchangeResult {
  session: SbdSessionResult;
  outcome: MoStatusClass;
  /** The MT message, when the session brought one and it was read intact. */
  mt?: Uint8Array;
  /**
   * Reading the MT message failed (SBD_CHECKSUM twice, a timeout). The session itself happened:
   * the MO was sent, the MT message is lost unless the gateway sends it again.
   */
  mtError?: KitError;
  /** AT+SBDD0 after a successful session failed: the next session may send the same MO again. */
  clearError?: KitError;
}

/**
 * Runs one session. Rejects (KitError) only when the session did not happen: the MO buffer could
 * not be cleared or written (SBDWB results 1, 2, 3 as AT_ERROR), or SBDIX timed out or was
 * malformed. After SBDIX has answered, later failures are reported in the result, so that a sent
 * MO message is never mistaken for an unsent one.
 */
export async function runSbdExchange(
  modem: SbdModem,
  options: SbdExchangeOptions = {},
): Promise<SbdExchangeResult> {
  await modem.clearMo();
  if (options.payload !== undefined) await modem.writeMo(options.payload);
  const session = await modem.session(options.answerRing === true ? { answerRing: true } : {});
  const result: SbdExchangeResult = { session, outcome: classifyMoStatus(session.moStatus) };
  if (session.mtStatus === 1) {
    try {
      result.mt = await readMtChecked(modem);
    } catch (err) {
      result.mtError = asKitError(err);
    }
  }
  if (result.outcome.kind === 'success' && options.payload !== undefined) {
    try {
      await modem.clearMo();
    } catch (err) {
      result.clearError = asKitError(err);
    }
  }
  return result;
}

/** SBDRB, read once more on a checksum mismatch: reading does not clear the MT buffer (§1.3). */
async function readMtChecked(modem: SbdModem): Promise<Uint8Array> {
  try {
    return await modem.readMt();
  } catch (err) {
    if (!isKitError(err, 'SBD_CHECKSUM')) throw err;
    return await modem.readMt();
  }
}

function asKitError(err: unknown): KitError {
  if (err instanceof KitError) return err;
  return new KitError('AT_ERROR', 'unexpected failure after the session', { cause: err });
}

/**
 * One SBD session over an SbdModem, in the order docs/iridium.md §7.1 prescribes:
 *
 *     [SBDD0 if the MO buffer may hold something and this is a mailbox check]
 *     → SBDWB (unless the buffer already holds exactly this MO, not yet sent)
 *     → SBDIX, or SBDIXA when answering a ring alert
 *     → classify the MO status
 *     → MT status 1: SBDRB before anything else (the next session clears the MT buffer)
 *     → success with an MO: SBDD0, or the next mailbox check would send (and bill) it again.
 *
 * It keeps track of what the MO buffer holds across sessions ({@link MoBuffer}), which is how the
 * link never writes or sends the same MO twice: a transient failure leaves the MO in the buffer and
 * the retry runs SBDIX on it again without a new SBDWB; a delivered MO is cleared, and if clearing
 * fails the buffer is marked so that nothing runs a session over it before it is cleared or
 * overwritten. This module decides nothing about timing: the link and its scheduler do.
 */
import { isKitError } from '../../../node/src/base/errors.js';
import { classifyMoStatus } from '../modem/modem-driver.js';
import type { MoStatusClass, SbdModem, SbdSessionResult } from '../modem/sbd-modem.js';

/** What the modem's MO buffer holds, as far as the link knows. */
export type MoBuffer =
  | { kind: 'empty' }
  /** After a failed write, a restart, or a session whose end was not seen. */
  | { kind: 'unknown' }
  /** `sent`: a session delivered it (SBDD0 after it failed); never to go out again. */
  | { kind: 'holds'; bytes: Uint8Array; sent: boolean };

export interface SessionRequest {
  /** The MO message, or undefined for a mailbox check. */
  mo: Uint8Array | undefined;
  answerRing: boolean;
}

export type SessionOutcome =
  /** SBDIX answered: `cls` says whether the MO went. */
  | {
      kind: 'done';
      result: SbdSessionResult;
      cls: MoStatusClass;
      /** The MT message read in this session, if MT status was 1 and it read back intact. */
      mt?: Uint8Array;
      /** Why an MT message announced by MT status 1 could not be read (three tries). */
      mtError?: unknown;
      /** Whether SBDWB was sent for this session (false: the buffer already held the MO). */
      wrote: boolean;
    }
  /** No session took place: writing or clearing the MO buffer failed. */
  | { kind: 'not-started'; stage: 'write' | 'clear'; error: unknown }
  /** SBDIX did not answer (timeout, stream closed): whether the MO went is unknown. */
  | { kind: 'uncertain'; error: unknown };

const MT_READ_TRIES = 3;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Runs one session; updates `buffer` in place. Rejects only for programmer errors. */
export async function runSbdSession(
  modem: SbdModem,
  buffer: { state: MoBuffer },
  request: SessionRequest,
): Promise<SessionOutcome> {
  let wrote = false;
  const held = buffer.state;
  if (request.mo !== undefined) {
    if (!(held.kind === 'holds' && !held.sent && sameBytes(held.bytes, request.mo))) {
      try {
        await modem.writeMo(request.mo);
      } catch (error) {
        // SBDWB replaces the buffer, but a write cut short leaves it unknown.
        buffer.state = { kind: 'unknown' };
        return { kind: 'not-started', stage: 'write', error };
      }
      buffer.state = { kind: 'holds', bytes: request.mo, sent: false };
      wrote = true;
    }
  } else if (held.kind !== 'empty') {
    // A mailbox check sends whatever the buffer holds: make sure that is nothing.
    try {
      await modem.clearMo();
    } catch (error) {
      return { kind: 'not-started', stage: 'clear', error };
    }
    buffer.state = { kind: 'empty' };
  }

  let result: SbdSessionResult;
  try {
    result = await modem.session({ answerRing: request.answerRing });
  } catch (error) {
    buffer.state = { kind: 'unknown' };
    return { kind: 'uncertain', error };
  }
  const cls = classifyMoStatus(result.moStatus);

  const outcome: SessionOutcome = { kind: 'done', result, cls, wrote };
  if (result.mtStatus === 1) {
    for (let attempt = 1; attempt <= MT_READ_TRIES; attempt++) {
      try {
        outcome.mt = await modem.readMt();
        delete outcome.mtError;
        break;
      } catch (error) {
        outcome.mtError = error;
        // Reading does not clear the MT buffer, so a checksum error may be read again; a closed
        // channel will not get better.
        if (isKitError(error, 'AT_CLOSED')) break;
      }
    }
  }

  if (cls.kind === 'success' && buffer.state.kind === 'holds') {
    buffer.state = { ...buffer.state, sent: true };
    try {
      await modem.clearMo();
      buffer.state = { kind: 'empty' };
    } catch {
      // Left marked as sent: the next mailbox check clears it first, the next MO overwrites it.
    }
  }
  return outcome;
}

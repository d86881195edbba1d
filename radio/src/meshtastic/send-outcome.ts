/**
 * What a Meshtastic send result means for the store-and-forward core: the link contract's
 * SendOutcome (node/src/link/link.ts), per docs/meshtastic.md §1.8, §2.4, §2.5.
 *
 * `ok` is the link contract's confirmation 1, "the next hop's radio took the frame":
 * - a real ACK (DM; the destination decrypted it): ok, ref `<id>:ack`;
 * - an implicit ACK (a neighbour was heard relaying it): ok, ref `<id>:relayed`. For a broadcast
 *   sent with want_ack it is the only positive signal there is. For a DM it is not delivery (the
 *   firmware stops retransmitting at the first implicit ACK and the real ACK may never come,
 *   §2.5), but a neighbour's radio did take the frame, which is exactly confirmation 1; delivery
 *   is for fieldnode's own receipts to prove. A real ACK that comes later is not waited for;
 * - a broadcast without want_ack (the default): ok when the radio queued it, ref `<id>:queued`.
 *   That is the weakest signal (§2.6: a QueueStatus with res 0 does not even prove transmission)
 *   and the only one the firmware gives for such a packet.
 * Failures carry a stable code and whether a later retry (with a new packet id) can help.
 */
import type { SendOutcome } from '../../../node/src/link/link.js';
import { QueueErrno, RoutingError, routingErrorName } from './constants.js';
import type { SessionSendResult } from './device-session-types.js';

const idHex = (id: number): string => (id >>> 0).toString(16).padStart(8, '0');

const fail = (
  retry: 'later' | 'never',
  code: Exclude<SendOutcome, { ok: true }>['code'],
  detail: string,
): SendOutcome => ({ ok: false, retry, code, detail });

/** A NAK (from a Routing packet, or a Routing error the firmware put in QueueStatus.res). */
function nakOutcome(error: number, local: boolean, id: number): SendOutcome {
  const what = `${local ? 'our radio' : 'a remote node'} answered ${routingErrorName(error)} for ${idHex(id)}`;
  switch (error) {
    case RoutingError.MAX_RETRANSMIT:
      return fail('later', 'NACK', `${what}: no ACK after the retransmissions`);
    case RoutingError.TOO_LARGE:
      return fail('never', 'TOO_LARGE', what);
    case RoutingError.NO_CHANNEL:
      // Local: our channel index is disabled or has no key; remote: the destination cannot decrypt.
      return local ? fail('never', 'DEVICE_ERROR', what) : fail('never', 'NACK', what);
    case RoutingError.DUTY_CYCLE_LIMIT:
    case RoutingError.RATE_LIMIT_EXCEEDED:
      return fail('later', 'BUSY', what);
    case RoutingError.NO_INTERFACE:
      return fail('later', 'DEVICE_ERROR', what);
    case RoutingError.PKI_FAILED:
    case RoutingError.PKI_UNKNOWN_PUBKEY:
    case RoutingError.PKI_SEND_FAIL_PUBLIC_KEY:
      // Keys are learnt from NodeInfo broadcasts, so a later try can succeed.
      return fail('later', 'NACK', what);
    case RoutingError.BAD_REQUEST:
    case RoutingError.NOT_AUTHORIZED:
    case RoutingError.ADMIN_BAD_SESSION_KEY:
    case RoutingError.ADMIN_PUBLIC_KEY_UNAUTHORIZED:
      return fail('never', 'NACK', what);
    default:
      return fail('later', 'NACK', what);
  }
}

export function sendOutcomeOf(result: SessionSendResult): SendOutcome {
  switch (result.kind) {
    case 'ack':
      return { ok: true, ref: `${idHex(result.id)}:ack` };
    case 'implicit-ack':
      return { ok: true, ref: `${idHex(result.id)}:relayed` };
    case 'queued':
      return { ok: true, ref: `${idHex(result.id)}:queued` };
    case 'nak':
      // NO_RESPONSE comes from the destination after it took the packet (want_response is never
      // set by us, but a remote module may still answer): the frame arrived.
      if (result.error === RoutingError.NO_RESPONSE && !result.local) {
        return { ok: true, ref: `${idHex(result.id)}:ack` };
      }
      return nakOutcome(result.error, result.local, result.id);
    case 'queue-refused':
      switch (result.res) {
        case QueueErrno.UNKNOWN:
          return fail('later', 'BUSY', `the radio's TX queue is full (${idHex(result.id)})`);
        case QueueErrno.NO_INTERFACES:
          return fail('later', 'DEVICE_ERROR', 'the radio has no interface to send on');
        case QueueErrno.DISABLED:
          return fail('later', 'DEVICE_ERROR', 'the radio will not transmit: tx disabled or region unset');
        case QueueErrno.SHOULD_RELEASE:
          return fail('later', 'DEVICE_ERROR', 'the radio refused the packet (should release)');
        default:
          // The firmware returns a Routing error here when encoding fails (Router::send), and
          // sends that NAK too.
          return nakOutcome(result.res, true, result.id);
      }
    case 'timeout':
      return result.waitingFor === 'queue-status'
        ? fail('later', 'TIMEOUT', `no QueueStatus for ${idHex(result.id)}: the radio dropped it or is gone`)
        : fail('later', 'TIMEOUT', `no ACK or NAK for ${idHex(result.id)} in time`);
    case 'lost':
      return fail('later', 'LINK_DOWN', `${result.reason} before ${idHex(result.id)} was answered`);
    case 'refused':
      switch (result.reason) {
        case 'too-large':
          return fail('never', 'TOO_LARGE', result.detail);
        case 'not-ready':
          return fail('later', 'LINK_DOWN', result.detail);
        default:
          return fail('later', 'BUSY', result.detail);
      }
  }
}

/**
 * What an MO status from +SBDIX means for the link (docs/iridium.md §1.3 "MO status", §7.2).
 * The classes follow the Iridium table and the reference drivers; the back-off floors are this
 * project's choice within §7.2 (30 s first step; 36 "wait 3 minutes"; 37 and 38 long, at §7.2's
 * 10-minute cap). The link decides when to retry; this only says what kind of failure it was.
 */
import type { MoStatusClass } from './sbd-modem.js';

/** Back-off floors by kind of transient failure, ms. */
export const MO_BACKOFF_MS = {
  /** Ordinary transient failures (no network, RF drop, gateway hiccups): §7.2's first step. */
  transient: 30_000,
  /** 36: "must wait 3 minutes since last registration". */
  registration: 180_000,
  /** 37 SBD service disabled for now, 38 traffic management period. */
  long: 600_000,
} as const;

/** Iridium's meaning of each MO status that has one (§1.3), for logs and alarms. */
export const MO_STATUS_TEXT: Readonly<Record<number, string>> = {
  0: 'MO message, if any, transferred',
  1: 'MO ok, but the queued MT message was too big to transfer',
  2: 'MO ok, but the location update was not accepted',
  10: 'GSS reported that the call did not complete in the allowed time',
  11: 'MO message queue at the GSS is full',
  12: 'MO message has too many segments',
  13: 'GSS reported that the session did not complete',
  14: 'invalid segment size',
  15: 'access is denied',
  16: 'ISU has been locked and may not make SBD calls',
  17: 'gateway not responding (local session timeout)',
  18: 'connection lost (RF drop)',
  19: 'link failure (protocol error)',
  32: 'no network service',
  33: 'antenna fault',
  34: 'radio is disabled',
  35: 'ISU is busy',
  36: 'try later, must wait 3 minutes since last registration',
  37: 'SBD service is temporarily disabled',
  38: 'try later, traffic management period',
  64: 'band violation',
  65: 'PLL lock failure; hardware error during transmit',
};

/** The meaning of `status`, or "reserved" for the unassigned codes. */
export function moStatusText(status: number): string {
  return MO_STATUS_TEXT[status] ?? (status <= 4 ? 'reserved, success' : 'reserved, failure');
}

/**
 * Classifies an MO status: 0–4 success; 12, 14, 15, 16 (and 34, radio disabled by AT*R0) stop
 * with a configuration alarm; 33, 64, 65 stop with a hardware alarm; 36 back off at least 180 s;
 * 37 and 38 a long back-off; everything else (10, 11, 13, 17, 18, 19, 32, 35 and the reserved
 * failure codes) is transient.
 *
 * @throws RangeError for a negative or non-integer status (a bug: parsers only give 0–255).
 */
export function classifyMoStatus(status: number): MoStatusClass {
  if (!Number.isInteger(status) || status < 0)
    throw new RangeError(`an MO status is a non-negative integer, not ${status}`);
  if (status <= 4) return { kind: 'success' };
  const detail = `MO status ${status}: ${moStatusText(status)}`;
  switch (status) {
    case 12:
    case 14:
    case 15:
    case 16:
    case 34:
      return { kind: 'stop', alarm: 'configuration', detail };
    case 33:
    case 64:
    case 65:
      return { kind: 'stop', alarm: 'hardware', detail };
    case 36:
      return { kind: 'transient', minBackoffMs: MO_BACKOFF_MS.registration };
    case 37:
    case 38:
      return { kind: 'transient', minBackoffMs: MO_BACKOFF_MS.long };
    default:
      return { kind: 'transient', minBackoffMs: MO_BACKOFF_MS.transient };
  }
}

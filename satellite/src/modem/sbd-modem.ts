/**
 * What the SBD link and its session scheduler need from an Iridium 9602/9603 (or RockBLOCK) modem
 * driver (docs/iridium.md §1.3, §7.1, §7.2). modem-driver.ts implements it over an AT channel;
 * the link (sbd-link.ts) holds the policy: when to open a session, what to pack, how to back off.
 *
 * What only informs (the IMEI, the firmware, indicator events, signal readings, network time) is
 * optional: a modem that refuses it still sends and receives (§7.1 "Required and optional
 * commands"), so those answers may be absent.
 */
import type { EventEmitter } from 'node:events';

export interface ModemInfo {
  /** AT+CGSN; absent when the modem refused it. */
  imei?: string;
  /** AT+CGMR as the modem printed it; absent when the modem refused it. */
  firmware?: string;
}

/** +SBDIX / +SBDIXA: `<MO status>, <MOMSN>, <MT status>, <MTMSN>, <MT length>, <MT queued>`. */
export interface SbdSessionResult {
  moStatus: number;
  momsn: number;
  /** 0 no MT message, 1 one was received (read it with readMt before anything else), 2 error. */
  mtStatus: number;
  mtmsn: number;
  mtLength: number;
  /** MT messages still waiting at the gateway. */
  mtQueued: number;
}

/**
 * What an MO status means for the caller (§1.3 "MO status", §7.2): 0–4 success; transient with a
 * backoff; 36 at least 180 s; 12, 14, 15, 16 stop and raise an alarm (configuration or account);
 * 33, 64, 65 a hardware alarm.
 */
export type MoStatusClass =
  | { kind: 'success' }
  | { kind: 'transient'; minBackoffMs: number }
  | { kind: 'stop'; alarm: 'configuration' | 'hardware'; detail: string };

export interface SbdModemEvents {
  /** SBDRING: an MT message is waiting; answer with a session that passes `answerRing`. */
  ring: [];
  /** +CIEV:0,<n>: signal strength 0–5. */
  signal: [number];
  /** +CIEV:1,<0|1>: network service availability. */
  service: [boolean];
  /** The byte stream ended or failed; the driver is unusable until started again. */
  closed: [Error | undefined];
  /**
   * The modem answered ERROR to a command that only informs (`AT+CGSN`, `AT+CGMR`, `AT+CIER`,
   * `AT+CSQ`, `AT-MSSTM`; the command as written): the driver works without it and does not ask
   * it again. Once per command and driver.
   */
  refused: [string];
}

export interface SbdModem extends EventEmitter<SbdModemEvents> {
  /**
   * Polls AT after power-up, sets echo, &K0, &D0, ring alerts; reads IMEI and firmware version
   * where the modem gives them.
   */
  start(signal?: AbortSignal): Promise<ModemInfo>;
  /** AT+SBDWB with its checksum; rejects with AT_ERROR naming the result code (1, 2, 3). */
  writeMo(payload: Uint8Array): Promise<void>;
  /** AT+SBDD0: clears the MO buffer (after success, so nothing is billed twice). */
  clearMo(): Promise<void>;
  /** AT+SBDIX, or AT+SBDIXA when answering a ring alert; rejects with AT_TIMEOUT if it hangs. */
  session(opts?: { answerRing?: boolean }): Promise<SbdSessionResult>;
  /** AT+SBDRB with length and checksum verified; rejects with SBD_CHECKSUM. */
  readMt(): Promise<Uint8Array>;
  /** AT+CSQ: 0–5, or undefined when the modem gives no readings (it refused AT+CSQ). */
  signalQuality(): Promise<number | undefined>;
  /** AT-MSSTM as Unix ms, or undefined with "no network service" or when the modem refused it. */
  networkTime(): Promise<number | undefined>;
  close(): Promise<void>;
}

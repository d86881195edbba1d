/**
 * The boundary between a simulated Iridium modem (modem-sim.ts) and the simulated Iridium network
 * behind it (the gateway, the RockBLOCK cloud or a DirectIP gateway; docs/iridium.md §1.3,
 * §2, §3, §7.4). The modem simulator owns what happens on the serial line and in the sky (AT
 * strings, buffers, MOMSN, visibility, radio faults); the network owns what happens on the ground
 * (delivering MO messages to the centre, the MT queue of at most 50 per IMEI, ring alerts).
 */

/** One SBD session that reached the gateway (the modem had a satellite and the radio part worked). */
export interface GatewaySessionRequest {
  imei: string;
  /** The MOMSN this session's MO message carries (the modem's current MOMSN). */
  momsn: number;
  /** The MO buffer, or undefined for a mailbox check with an empty buffer. */
  mo: Uint8Array | undefined;
  /** Simulated Unix ms of the session. */
  at: number;
}

export interface GatewaySessionResult {
  /**
   * The MO status the gateway gives: 0 on success; a gateway-side failure otherwise (e.g. 35
   * "gateway busy", 16 "ISU locked", 15 "access denied", 12/14 accounting or ISU problems).
   */
  moStatus: number;
  /** The MT message handed to the modem in this session, with its MTMSN, if one was queued. */
  mt?: { mtmsn: number; payload: Uint8Array };
  /** MT messages still queued after this session. */
  mtQueued: number;
}

export interface IridiumNetwork {
  /** One session; the network records the MO and dequeues at most one MT. */
  session(req: GatewaySessionRequest): GatewaySessionResult;
  /**
   * A modem attaches to hear ring alerts for its IMEI (sent when an MT message is queued, and
   * once more 20 s later). Returns a function that detaches.
   */
  attachRing(imei: string, ring: () => void): () => void;
}

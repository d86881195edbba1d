/**
 * The link contract (docs/links.md §The link contract; docs/conventions.md §Links): what the store-and-forward
 * core needs from anything that moves frames, be it a Meshtastic radio, an Iridium modem, IP or a
 * fake in tests.
 *
 * A link moves opaque frames of at most `mtu` bytes. `send()` resolves to an outcome per frame and
 * does not throw for expected field failures (no satellite in view, radio busy, no ack): those are
 * values with a stable code and whether a later retry can help. Inbound frames and state changes
 * are events; `state` is emitted only when it changes and always carries a reason when down.
 * Links report, supervisors retry: no link retries or reconnects on its own, except where the
 * device protocol itself defines a retry (the SBDIX loop).
 */
import type { EventEmitter } from 'node:events';

export type LinkKind = 'meshtastic' | 'iridium-sbd' | 'beidou' | 'ip' | 'fake';

/** Why a link is not up. Stable strings, safe to show in the UI and to match in tests. */
export type LinkDownReason =
  | 'stopped'
  | 'no-device'
  | 'port-error'
  | 'port-closed'
  | 'read-error'
  | 'write-error'
  | 'config-mismatch'
  | 'no-service';

export type LinkState =
  | { status: 'starting' }
  | { status: 'up'; since: number }
  | { status: 'down'; reason: LinkDownReason; detail?: string; since: number };

/** Link-level metadata of an inbound frame. */
export interface FrameMeta {
  /** The sender's address on this link (mesh node number, IMEI, IP address), when known. */
  from?: string;
  rssi?: number;
  snr?: number;
  /** Hops the frame travelled to reach this radio (mesh links), when the sender reported it. */
  hopsAway?: number;
  /** The receiving device's own receive time, Unix ms, when it had one (may be unsynchronised). */
  deviceRxTime?: number;
  /**
   * What the carrier said about this frame besides `from`, as it said it, when the link has more
   * than an address: for a satellite MO message its MOMSN, the session time (`sessionTime`, Unix
   * ms) and the carrier's own fields (a RockBLOCK push's serial and Iridium position, a DirectIP
   * header's CDR reference and session status; docs/iridium.md §2.1, §3.3), under `carrier` the
   * link's word for where it came from ("rockblock", "directip").
   *
   * JSON-safe values only (strings, finite numbers, booleans, and plain objects and arrays of
   * those), so that the record can be kept as it is. For the record and the operator only: it is
   * not authenticated by fieldnode, and nothing is routed, trusted or deduplicated by it. The core
   * keeps it with a payload it cannot take in (a foreign payload), which the carrier was told had
   * arrived and which must not be lost.
   */
  source?: Readonly<Record<string, unknown>>;
}

export interface InboundFrame {
  /** The receiving link's id. */
  link: string;
  /** Exactly one frame, already unframed. */
  bytes: Uint8Array;
  /** Unix milliseconds. */
  receivedAt: number;
  meta?: FrameMeta;
}

export type LinkFailureCode =
  | 'NO_SERVICE'
  | 'TIMEOUT'
  | 'NACK'
  | 'TOO_LARGE'
  | 'BUSY'
  | 'DEVICE_ERROR'
  | 'LINK_DOWN';

/** Confirmation 1 of docs/design.md §Confirmations: the next hop's radio or the satellite network took the frame. */
export type SendOutcome =
  | { ok: true; ref?: string }
  | { ok: false; retry: 'later' | 'never'; code: LinkFailureCode; detail?: string };

export interface SendOptions {
  signal?: AbortSignal;
  /** Link address of the next hop; a broadcast when absent (mesh) or the only peer (satellite, IP). */
  to?: string;
  /**
   * The highest priority (0 = P0, life safety) among the messages in the frame. A link may use it
   * to schedule: the satellite lets a P0 cut a session backoff short and goes through its waiting
   * frames most urgent first; the mesh radio queues P0 as ALERT.
   */
  priority?: 0 | 1 | 2 | 3;
  /**
   * The other end will answer something in the frame (a receipt is due back), by the link's usual
   * confirmation timing. A link that must fetch what comes back (a satellite mailbox) may look for
   * the answer once by itself if it is overdue and nothing came (a missed ring alert); a link that
   * is always listening ignores it. Absent: no answer is expected (receipts, messages flagged
   * noReceipt), so nothing is looked for.
   */
  awaitsReply?: boolean;
  /**
   * 'none': the core needs no acknowledgement of its own from the link for this frame, because
   * the core confirms it itself (the next hop's custody signal or receipt, and a resend when none
   * comes) or nothing confirms it (a receipt, sent once). A link whose medium acknowledges by an
   * answer sent back across a shared channel (a mesh radio's want_ack, whose ACK is relayed back
   * hop by hop, and whose retransmissions are the radio's) then asks for none, and the outcome is
   * ok once the link took the frame. Absent: the link acknowledges as it usually does
   * (docs/store-and-forward.md §Airtime on the mesh).
   */
  linkAck?: 'none';
  /**
   * 'heard': the frame is for the next hop `to` (for a frame to everyone on the link, for the
   * neighbours lately heard) and need travel no farther than that neighbour was last heard from.
   * A mesh link then sends it with the hop limit that neighbour's latest frame used up to reach it
   * (its hops away), or its usual one when it has heard none. Absent: the link's usual reach.
   */
  reach?: 'heard';
}

export interface LinkEvents {
  state: [LinkState];
  frame: [InboundFrame];
}

export interface LinkCounters {
  txFrames: number;
  rxFrames: number;
  txBytes: number;
  rxBytes: number;
  errors: number;
}

/**
 * What a link declares about its medium, so that the core decides from facts, never from a link's
 * type name (docs/links.md §Capabilities). A later bearer fits by declaring its own.
 */
export interface LinkCapabilities {
  /** Largest frame sent in one piece, bytes: the link's `mtu`. */
  readonly maxSendBytes: number;
  /** Largest frame received in one piece, bytes (a satellite's MT and MO limits differ). */
  readonly maxReceiveBytes: number;
  /**
   * How the medium bills what is sent: every message costs `max(minUnits, ceil(bytes / unitBytes))`
   * units. Absent where sending costs no money (radio airtime, IP). A billed link gets what is due
   * packed into one frame by the core, held per priority as the link's configuration says, checked
   * against the link's budget (docs/store-and-forward.md §Satellite); a message that asks for no
   * receipt is done once the link accepted it: a word back would cost money too.
   */
  readonly billing?: { readonly unitBytes: number; readonly minUnits: number } | undefined;
  /**
   * Least time between two sends, ms (a card's service interval); 0 when there is none. With an
   * interval the core packs what is due into one frame per send, as for a billed link, and never
   * sends sooner.
   */
  readonly minSendIntervalMs: number;
  /**
   * The least time a confirmation from beyond this link takes, ms: the round trip of the medium (a
   * LoRa mesh of several hops takes tens of seconds; a satellite MT waits for the kit's next
   * session). The core does not send a message again on this link before that long, whatever its
   * retry settings, so that a slow medium is not flooded with copies of what is still on its way.
   */
  readonly confirmationWaitMs: number;
  /**
   * How long this node may hold the receipts it sends over this link, by the priority P0..P3 of
   * the most urgent message they confirm, ms, so that many share one billed message. Absent:
   * receipts go after the core's usual short batching delay.
   */
  readonly receiptHoldMs?: readonly [number, number, number, number] | undefined;
  /**
   * Every radio in range hears every frame (a LoRa channel): one confirmation frame serves every
   * neighbour it answers, and a sender nobody configured can still be answered at its address.
   */
  readonly sharedMedium: boolean;
}

export interface Link extends EventEmitter<LinkEvents> {
  /** Unique id from configuration, e.g. "mesh0", "sbd0". */
  readonly id: string;
  readonly kind: LinkKind;
  /** Largest frame the medium carries in one piece, bytes. */
  readonly mtu: number;
  readonly state: LinkState;
  /** What the medium is like (may change once the device is known, e.g. a radio's preset). */
  readonly capabilities: LinkCapabilities;
  /** Opens the device, configures it, reads the configuration back and verifies it; emits state. */
  start(signal?: AbortSignal): Promise<void>;
  /** Idempotent. Emits { status: 'down', reason: 'stopped' }. */
  stop(): Promise<void>;
  /**
   * Sends one frame of 1 to `mtu` bytes. Resolves to an outcome; rejects only for programmer errors
   * (not a Uint8Array: TypeError; empty: RangeError), for an aborted signal (its reason), and with
   * KitError LINK_CLOSED after stop().
   */
  send(frame: Uint8Array, opts?: SendOptions): Promise<SendOutcome>;
  counters(): Readonly<LinkCounters>;
}

/**
 * Optional: how many frames the link can take right now without queuing them inside itself
 * (flow control: the dispatcher never pushes more than this).
 */
export interface SendWindow {
  sendWindow(): number;
}

export const hasSendWindow = (l: Link): l is Link & SendWindow =>
  typeof (l as Partial<SendWindow>).sendWindow === 'function';

/**
 * Optional, for a link that declares `billing`: units it spends besides the frames it is given (a
 * satellite's mailbox checks and the messages it receives), reported as they are billed so that
 * the core's budget counts them too. Returns a function that stops the reports.
 */
export interface ExtraBilling {
  onExtraUnits(listener: (units: number) => void): () => void;
}

export const hasExtraBilling = (l: Link): l is Link & ExtraBilling =>
  typeof (l as Partial<ExtraBilling>).onExtraUnits === 'function';

/**
 * Optional, for a link that declares `billing`: the link is about to send a message of its own that
 * costs the minimum whatever it carries (a satellite mailbox check), and asks the core for what may
 * ride along. The core calls send() for it before the listener's promise settles, or sends
 * nothing; the link waits a bounded time for the listeners. Returns a function that stops the
 * offers.
 */
export interface SendOpportunities {
  onSendOpportunity(listener: () => Promise<void>): () => void;
}

export const hasSendOpportunities = (l: Link): l is Link & SendOpportunities =>
  typeof (l as Partial<SendOpportunities>).onSendOpportunity === 'function';

/**
 * Optional: the link keeps a send waiting before it transmits it (a satellite modem between its
 * sessions) and gives it back untouched when its signal aborts before transmitting began: send()
 * then resolves `BUSY` and nothing went. Only from such a link does the core take a frame back to
 * pack it again with what must go now; any other link may have sent an aborted frame all the same.
 */
export interface TakesBack {
  readonly takesBack: true;
}

export const takesBack = (l: Link): l is Link & TakesBack => (l as Partial<TakesBack>).takesBack === true;

/** Optional: signal quality, 0 (none) to 1 (excellent). */
export interface SignalQuality {
  /** Undefined when the link cannot tell: not up, or its device gives no readings (unknown, not 0). */
  signalQuality(): Promise<number | undefined>;
}

export const hasSignalQuality = (l: Link): l is Link & SignalQuality =>
  typeof (l as Partial<SignalQuality>).signalQuality === 'function';

/** Optional: a time source (GPS on the radio, Iridium network time). */
export interface TimeSource {
  /** Unix milliseconds and how the time was learnt, or undefined when the source has none yet. */
  networkTime(): Promise<{ time: number; source: 'gps' | 'iridium' | 'ntp' } | undefined>;
}

export const hasTimeSource = (l: Link): l is Link & TimeSource =>
  typeof (l as Partial<TimeSource>).networkTime === 'function';

/**
 * Optional: this node's own address on the link as its neighbours see it in FrameMeta.from (a
 * Meshtastic node number as "!a1b2c3d4"). A beacon signs it (docs/wire-format.md §4.6), so a
 * receiver binds an address to a node only when the signed address is the one the frame came from.
 */
export interface SelfAddress {
  /** The address, or undefined while the link has not learnt it (before the device's configuration). */
  selfAddress(): string | undefined;
}

export const hasSelfAddress = (l: Link): l is Link & SelfAddress =>
  typeof (l as Partial<SelfAddress>).selfAddress === 'function';
